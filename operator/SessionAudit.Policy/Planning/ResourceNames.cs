using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Planning;

/// <summary>Deterministic names of what the operator creates, so a rerun finds what an earlier run made.</summary>
public static partial class ResourceNames
{
    /// <summary>Prefix of everything the operator names.</summary>
    public const string Prefix = "session-audit-";

    /// <summary>Prefix of the EventBridge target ids the operator creates; targets without it are never touched.</summary>
    public const string TargetIdPrefix = "sa-";

    /// <summary>Start of the rule description that marks a rule as the operator's.</summary>
    public const string RuleMarker = "Managed by session-audit for SessionLoggingPolicy ";

    /// <summary>EventBridge rule name: from the policy name only, so a policy deleted with Retain and re-created adopts its rule (1..64 of [.\-_A-Za-z0-9]).</summary>
    public static string Rule(string policyName) => Bounded(Prefix + Sanitize(policyName), 64, policyName);

    /// <summary>Rule description carrying the ownership marker.</summary>
    public static string RuleDescription(string policyName) =>
        RuleMarker + policyName + ": session activity alerts. Do not edit; changes are reverted.";

    /// <summary>True when a rule description says the rule belongs to <paramref name="policyName"/>.</summary>
    public static bool IsOwnedRule(string? description, string policyName) =>
        description is not null && description.StartsWith(RuleMarker + policyName + ":", StringComparison.Ordinal);

    /// <summary>KMS grant name ([a-zA-Z0-9:/_-], at most 256) from what a manifest file holds too (policy name, region,
    /// document, role), never the uid, so `plan -f` names the same grant the running operator made; two installations
    /// with a policy of the same name share a grant name only when they manage the same document, which conflicts anyway.
    /// <paramref name="roleArn"/> is the role the policy acts as (its AwsAccount's; earlier releases' spec.roleArn), so a
    /// policy moved to an AwsAccount naming the same role keeps its grants.</summary>
    public static string Grant(string policyName, SessionLoggingPolicySpec spec, string? roleArn) =>
        Bounded(Prefix + Sanitize(policyName), 100, policyName) + "-"
        + Hash(string.Join('/', policyName, spec.Region, spec.DocumentName, roleArn ?? ""), 12);

    /// <summary>The grant name earlier releases used (policy name and uid); such grants are still the policy's.</summary>
    public static string LegacyGrant(string policyName, string uid) =>
        Bounded(Prefix + Sanitize(policyName), 100, policyName) + "-" + Hash(policyName + "/" + uid, 12);

    /// <summary>True when a grant named <paramref name="grantName"/> is the policy's (current or earlier naming).</summary>
    public static bool IsOwnedGrant(string? grantName, string policyName, SessionLoggingPolicySpec spec, string? roleArn, string? uid) =>
        grantName is not null && (grantName == Grant(policyName, spec, roleArn) || (!string.IsNullOrEmpty(uid) && grantName == LegacyGrant(policyName, uid)));

    /// <summary>Name of a document version the operator writes ([a-zA-Z0-9_.-], at most 128): the policy's hash and the
    /// content's, so the version holding some content can be found again and the versions the policy wrote are known.</summary>
    public static string DocumentVersion(string policyName, string content) =>
        DocumentVersionPrefix(policyName) + Hash(content, 16);

    /// <summary>True when a version name marks a version this policy wrote.</summary>
    public static bool IsOwnedDocumentVersion(string? versionName, string policyName) =>
        versionName is not null && versionName.StartsWith(DocumentVersionPrefix(policyName), StringComparison.Ordinal);

    private static string DocumentVersionPrefix(string policyName) => Prefix + Hash(policyName, 8) + "-";

    /// <summary>Target id for an ARN (and, for Run Command, its instance selection).</summary>
    public static string TargetId(string kind, string identity) => TargetIdPrefix + kind + "-" + Hash(identity, 16);

    /// <summary>Lowercase hex of the SHA-256 of <paramref name="text"/>, cut to <paramref name="length"/>.</summary>
    public static string Hash(string text, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..length];

    private static string Sanitize(string name) => InvalidChars().Replace(name, "-");

    private static string Bounded(string name, int max, string seed) =>
        name.Length <= max ? name : name[..(max - 9)] + "-" + Hash(seed, 8);

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex InvalidChars();
}
