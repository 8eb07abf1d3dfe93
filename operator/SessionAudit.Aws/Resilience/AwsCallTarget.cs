using SessionAudit.Aws.Configuration;

namespace SessionAudit.Aws.Resilience;

/// <summary>Where one AWS call goes, as the rate limiter and the metrics see it.</summary>
/// <param name="Account">Account key: the account of the assumed role, or "default" for the operator's own credentials.</param>
/// <param name="Region">Region.</param>
/// <param name="Service">Service.</param>
public sealed record AwsCallTarget(string Account, string Region, AwsService Service);
