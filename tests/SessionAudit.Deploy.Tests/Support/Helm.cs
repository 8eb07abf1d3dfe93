namespace SessionAudit.Deploy.Tests.Support;

/// <summary>The real helm binary with its cache, config and data homes in a private temporary folder.</summary>
internal sealed class Helm : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("session-audit-helm-").FullName;
    private readonly Tool tool;

    public Helm()
    {
        var path = Tool.Locate("SESSION_AUDIT_HELM", RepoPaths.In(".tools", "helm", "helm"));
        tool = new Tool(path, new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = System.IO.Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = System.IO.Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = System.IO.Path.Combine(home, "data"),
        });
    }

    public const string ReleaseName = "session-audit-operator";

    public const string Namespace = "session-audit-system";

    public Task<ToolResult> RunAsync(CancellationToken cancellationToken, params string[] arguments) =>
        tool.RunAsync(arguments, cancellationToken);

    public Task<ToolResult> LintAsync(CancellationToken cancellationToken, params string[] extra) =>
        RunAsync(cancellationToken, ["lint", "--strict", RepoPaths.Chart, "--namespace", Namespace, .. extra]);

    public Task<ToolResult> TemplateAsync(CancellationToken cancellationToken, params string[] extra) =>
        TemplateChartAsync(RepoPaths.Chart, cancellationToken, extra);

    public Task<ToolResult> TemplateChartAsync(string chart, CancellationToken cancellationToken, params string[] extra) =>
        RunAsync(cancellationToken, ["template", ReleaseName, chart, "--namespace", Namespace, .. extra]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(home, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
