namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>Finds files of the repository from the test's output folder.</summary>
public static class RepoFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Directory.Build.props"))) return System.IO.Path.Combine(dir.FullName, relative);
        }

        throw new DirectoryNotFoundException("repository root not found above " + AppContext.BaseDirectory);
    }

    public static string ExampleSeed => File.ReadAllText(Path("deploy/sandbox/seed-example.yaml"));
}
