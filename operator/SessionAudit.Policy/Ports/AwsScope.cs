using SessionAudit.Policy.Accounts;

namespace SessionAudit.Policy.Ports;

/// <summary>Where AWS calls go: a region, and optionally a role to assume (cross-account) with its external id, the
/// session name CloudTrail shows and session tags. Made by <see cref="AccountBinding.ScopeFor"/>.</summary>
/// <param name="Region">AWS region, for example "us-east-1".</param>
/// <param name="RoleArn">Role to assume with STS AssumeRole; null uses the operator's own credentials.</param>
/// <param name="ExternalId">External id passed to AssumeRole; null or empty for none.</param>
/// <param name="SessionName">RoleSessionName of the AssumeRole; null for the operator's configured default.</param>
/// <param name="SessionTags">Session tags sent with AssumeRole; null for none.</param>
public sealed record AwsScope(string Region, string? RoleArn = null, string? ExternalId = null, string? SessionName = null, SessionTags? SessionTags = null);
