using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Cli;

/// <summary>Reads the SessionLoggingPolicies of a manifest file given with -f, or explains in one line why it cannot.</summary>
internal static class PolicyFiles
{
    public static IReadOnlyList<SessionLoggingPolicy> Read(FileInfo file)
    {
        if (file.Name != "-" && !file.Exists)
        {
            throw new UsageException($"--file: {file.FullName} does not exist");
        }

        try
        {
            var policies = PolicyManifest.Parse(OutputFile.ReadInput(file, "--file"));
            return policies.Count > 0
                ? policies
                : throw new UsageException($"--file: {file.Name} holds no SessionLoggingPolicy (kind: SessionLoggingPolicy, apiVersion: {SessionLoggingPolicy.ApiVersion})");
        }
        catch (FormatException e)
        {
            throw new UsageException($"--file: {file.Name}: {e.Message}");
        }
    }
}
