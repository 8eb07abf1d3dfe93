namespace SessionAudit.Policy.Model;

/// <summary>The parts of an ARN (arn:partition:service:region:account:resource).</summary>
public sealed record Arn(string Partition, string Service, string Region, string Account, string Resource)
{
    /// <summary>Parses an ARN; null when <paramref name="text"/> is not one.</summary>
    public static Arn? TryParse(string? text)
    {
        if (text is null || !text.StartsWith("arn:", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = text.Split(':', 6);
        return parts.Length == 6 ? new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]) : null;
    }

    /// <summary>The partition a region belongs to: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b...</summary>
    public static string PartitionOf(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : region.StartsWith("us-isob-", StringComparison.Ordinal) ? "aws-iso-b"
        : region.StartsWith("us-isof-", StringComparison.Ordinal) ? "aws-iso-f"
        : region.StartsWith("eu-isoe-", StringComparison.Ordinal) ? "aws-iso-e"
        : region.StartsWith("us-iso-", StringComparison.Ordinal) ? "aws-iso"
        : "aws";

    /// <summary>The account of a role ARN; null for anything else.</summary>
    public static string? AccountOfRole(string? roleArn) =>
        TryParse(roleArn) is { Service: "iam" } a && a.Resource.StartsWith("role/", StringComparison.Ordinal) ? a.Account : null;
}
