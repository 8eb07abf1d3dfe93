using System.CommandLine;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Cli;

/// <summary>Options several verbs share, declared once so their names and help read the same everywhere.</summary>
internal static class CliOptions
{
    public static Option<string?> Kubeconfig() => new("--kubeconfig")
    {
        Description = "Path to a kubeconfig file. Defaults to $KUBECONFIG, then in-cluster configuration, then ~/.kube/config.",
    };

    public static Option<string?> Region() => new("--region")
    {
        Description = "AWS region, for example us-east-1. Defaults to $AWS_REGION.",
    };

    public static Option<string?> RoleArn() => new("--role-arn")
    {
        Description = "IAM role to assume before calling AWS (cross-account).",
    };

    public static Option<string?> ExternalId() => new("--external-id")
    {
        Description = "External id to pass when assuming --role-arn.",
    };

    public static Option<FileInfo?> PolicyFile(bool required) => new("--file", "-f")
    {
        Description = "A SessionLoggingPolicy manifest (YAML or JSON), or a directory of them.",
        Required = required,
    };

    public static Option<FileInfo?> Output() => new("--output", "-o")
    {
        Description = "Write to this file instead of standard output.",
    };

    /// <summary>Parses a duration such as 30s, 5m, 1h or 1h30m, the way Kubernetes manifests write them.</summary>
    public static TimeSpan ParseDuration(string text, string flag)
    {
        if (Durations.TryParse(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        throw new UsageException($"{flag}: '{text}' is not a duration; use a number followed by s, m or h, for example 30s, 5m or 1h");
    }
}
