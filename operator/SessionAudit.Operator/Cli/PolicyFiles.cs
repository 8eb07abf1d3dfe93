using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Cli;

/// <summary>Reads the SessionLoggingPolicies (and AwsAccounts) of a manifest file, or of every manifest in a directory,
/// given with -f (as kubectl -f does: .yaml, .yml and .json files, not recursive), or explains in one line why it cannot.</summary>
internal static class PolicyFiles
{
    private static readonly string[] ManifestExtensions = [".yaml", ".yml", ".json"];

    /// <summary>What the manifests hold: the policies (at least one) and the AwsAccounts (maybe none).</summary>
    public sealed record Manifests(IReadOnlyList<SessionLoggingPolicy> Policies, IReadOnlyList<AwsAccount> Accounts);

    public static IReadOnlyList<SessionLoggingPolicy> Read(FileInfo file) => ReadManifests(file).Policies;

    /// <summary>Reads each file once (stdin can be read only once).</summary>
    public static Manifests ReadManifests(FileInfo file)
    {
        if (file.Name != "-" && Directory.Exists(file.FullName))
        {
            var files = Directory.EnumerateFiles(file.FullName)
                .Where(f => ManifestExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(f => Parse(new FileInfo(f)))
                .ToList();
            var policies = files.SelectMany(m => m.Policies).ToList();
            return policies.Count > 0
                ? new Manifests(policies, files.SelectMany(m => m.Accounts).ToList())
                : throw new UsageException($"--file: directory {file.FullName} holds no SessionLoggingPolicy in its {string.Join(", ", ManifestExtensions)} files");
        }

        if (file.Name != "-" && !file.Exists)
        {
            throw new UsageException($"--file: {file.FullName} does not exist");
        }

        var found = Parse(file);
        return found.Policies.Count > 0
            ? found
            : throw new UsageException($"--file: {file.Name} holds no SessionLoggingPolicy (kind: SessionLoggingPolicy, apiVersion: {SessionLoggingPolicy.ApiVersion})");
    }

    private static Manifests Parse(FileInfo file)
    {
        var text = OutputFile.ReadInput(file, "--file");
        try
        {
            return new Manifests(PolicyManifest.Parse(text), PolicyManifest.ParseAccounts(text));
        }
        catch (FormatException e)
        {
            throw new UsageException($"--file: {file.Name}: {e.Message}");
        }
    }
}
