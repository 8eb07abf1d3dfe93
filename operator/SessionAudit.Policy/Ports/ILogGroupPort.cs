namespace SessionAudit.Policy.Ports;

/// <summary>What CloudWatch Logs says about a log group.</summary>
/// <param name="Name">Exact log group name.</param>
/// <param name="KmsKeyId">The KMS key ARN the group is encrypted with; null when not KMS-encrypted.</param>
public sealed record LogGroupInfo(string Name, string? KmsKeyId);

/// <summary>CloudWatch Logs log group checks (DescribeLogGroups with logGroupNamePrefix, exact name match).</summary>
public interface ILogGroupPort
{
    /// <summary>Returns the group with exactly this name, or null when none exists.</summary>
    Task<LogGroupInfo?> DescribeAsync(string logGroupName, CancellationToken cancellationToken);
}
