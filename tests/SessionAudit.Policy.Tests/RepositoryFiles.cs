namespace SessionAudit.Policy.Tests;

/// <summary>Finds files of the repository the tests run from.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionAuditOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SessionAuditOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
