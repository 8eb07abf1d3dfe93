namespace SessionAudit.Testing.Harness;

/// <summary>Where the real tools are: scripts/tools.sh exports these; the defaults are where Debian puts them.</summary>
public static class Tools
{
    public static string Kubectl => Find("SESSION_AUDIT_KUBECTL", "/usr/bin/kubectl");

    /// <summary>The AWS CLI v2 from Debian; another `aws` may come first on PATH, so never rely on PATH.</summary>
    public static string AwsCli => Find("SESSION_AUDIT_AWS_CLI", "/usr/bin/aws");

    public static string Chromium => Find("SESSION_AUDIT_CHROMIUM", "/usr/bin/chromium");

    /// <summary>The operator's own executable as built next to the tests.</summary>
    public static string OperatorDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "session-audit.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("session-audit.dll is not next to the tests", path);
        }
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SessionAuditOperator.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    private static string Find(string variable, string fallback)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        path = string.IsNullOrEmpty(path) ? fallback : path;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: run scripts/tools.sh (it installs the tools the tests drive)", path);
    }
}
