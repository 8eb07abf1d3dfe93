using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Cli;

/// <summary>Reads the SessionLoggingPolicies of a manifest file, or of every manifest in a directory, given with -f
/// (as kubectl -f does: .yaml, .yml and .json files, not recursive), or explains in one line why it cannot.</summary>
internal static class PolicyFiles
{
    private static readonly string[] ManifestExtensions = [".yaml", ".yml", ".json"];

    public static IReadOnlyList<SessionLoggingPolicy> Read(FileInfo file)
    {
        if (file.Name != "-" && Directory.Exists(file.FullName))
        {
            var files = Directory.EnumerateFiles(file.FullName)
                .Where(f => ManifestExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToList();
            var policies = files.SelectMany(f => Parse(new FileInfo(f))).ToList();
            return policies.Count > 0
                ? policies
                : throw new UsageException($"--file: directory {file.FullName} holds no SessionLoggingPolicy in its {string.Join(", ", ManifestExtensions)} files");
        }

        if (file.Name != "-" && !file.Exists)
        {
            throw new UsageException($"--file: {file.FullName} does not exist");
        }

        var found = Parse(file);
        return found.Count > 0
            ? found
            : throw new UsageException($"--file: {file.Name} holds no SessionLoggingPolicy (kind: SessionLoggingPolicy, apiVersion: {SessionLoggingPolicy.ApiVersion})");
    }

    private static IReadOnlyList<SessionLoggingPolicy> Parse(FileInfo file)
    {
        try
        {
            return PolicyManifest.Parse(OutputFile.ReadInput(file, "--file"));
        }
        catch (FormatException e)
        {
            throw new UsageException($"--file: {file.Name}: {e.Message}");
        }
    }
}
