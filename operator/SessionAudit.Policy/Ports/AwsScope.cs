using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Ports;

/// <summary>Where AWS calls go: a region, and optionally a role to assume (cross-account) with its external id.</summary>
/// <param name="Region">AWS region, for example "us-east-1".</param>
/// <param name="RoleArn">Role to assume with STS AssumeRole; null uses the operator's own credentials.</param>
/// <param name="ExternalId">External id passed to AssumeRole; null or empty for none.</param>
public sealed record AwsScope(string Region, string? RoleArn = null, string? ExternalId = null)
{
    /// <summary>The scope a policy's spec names: the one way every caller (reconciler, report, plan) derives it.</summary>
    public static AwsScope Of(SessionLoggingPolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new AwsScope(spec.Region, NullIfEmpty(spec.RoleArn), NullIfEmpty(spec.ExternalId));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
