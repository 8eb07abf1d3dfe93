namespace SessionAudit.Deploy.Tests.Support;

/// <summary>Locations inside the repository checkout the tests run from.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string Chart => Path.Combine(Root, "charts", "session-audit-operator");

    public static string DeployCrd => Path.Combine(Deploy, "crd", "sessionloggingpolicies.sessionaudit.io.yaml");

    public static string ChartCrd => Path.Combine(Chart, "crds", "sessionloggingpolicies.sessionaudit.io.yaml");

    /// <summary>Every generated CRD file name; deploy/crd and the chart's crds/ hold the same set.</summary>
    public static IReadOnlyList<string> CrdFiles { get; } = ["sessionloggingpolicies.sessionaudit.io.yaml", "awsaccounts.sessionaudit.io.yaml"];

    public static string NetworkPolicyComponent => Path.Combine(Deploy, "components", "networkpolicy");

    public static string TestData => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string In(params string[] parts) => Path.Combine([Root, .. parts]);

    // The solution file marks the root; tests run from bin/<config>/<tfm> several levels below it.
    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionAuditOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SessionAuditOperator.sln above {AppContext.BaseDirectory}");
    }
}
