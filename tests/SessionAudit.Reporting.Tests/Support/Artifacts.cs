namespace SessionAudit.Reporting.Tests.Support;

/// <summary>Where tests keep files worth looking at after a run: artifacts/test-results/ at the repository root.</summary>
internal static class Artifacts
{
    public static string Directory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Directory.Packages.props")))
            {
                dir = dir.Parent;
            }

            var root = dir?.FullName ?? System.IO.Path.GetTempPath();
            var path = System.IO.Path.Combine(root, "artifacts", "test-results", "reporting");
            System.IO.Directory.CreateDirectory(path);
            return path;
        }
    }
}
