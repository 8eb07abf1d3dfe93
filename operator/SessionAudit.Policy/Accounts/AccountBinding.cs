using System.Security.Cryptography;
using System.Text;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Accounts;

/// <summary>Where one policy acts and within which guardrails: resolved from its AwsAccount (by the caller, which also
/// reads the external id from its Secret) before the reconciler runs.</summary>
/// <param name="AccountName">The AwsAccount's name; null for the built-in defaults (no AwsAccount).</param>
/// <param name="RoleArn">Role to assume; null for the operator's own account.</param>
/// <param name="ExternalId">External id for AssumeRole; null for none.</param>
/// <param name="SessionTags">Session tags for AssumeRole.</param>
/// <param name="Guardrails">What the policy may write.</param>
public sealed record AccountBinding(string? AccountName, string? RoleArn, string? ExternalId, SessionTags SessionTags, GuardrailsSpec Guardrails)
{
    /// <summary>The operator's own account under the built-in guardrails (no AwsAccount, or none marked default).</summary>
    public static AccountBinding BuiltIn { get; } = new(null, null, null, SessionTags.None, new GuardrailsSpec());

    /// <summary>The binding of <paramref name="account"/>, with the external id already read (from the spec or its Secret).</summary>
    public static AccountBinding Of(AwsAccount account, string? externalId)
    {
        ArgumentNullException.ThrowIfNull(account);
        var spec = account.Spec;
        return new AccountBinding(account.Name, string.IsNullOrEmpty(spec.RoleArn) ? null : spec.RoleArn,
            string.IsNullOrEmpty(externalId) ? null : externalId, SessionTags.Of(spec.SessionTags), spec.Guardrails ?? new GuardrailsSpec());
    }

    /// <summary>The 12-digit account of the role; null for the operator's own account (known only by asking STS).</summary>
    public string? RoleAccount => Arn.AccountOfRole(RoleArn);

    /// <summary>Where the AwsAccount is named in messages: "AwsAccount prod" or "the built-in guardrails".</summary>
    public string Describe => AccountName is null ? "the built-in guardrails (no AwsAccount is marked default)" : $"AwsAccount {AccountName}";

    /// <summary>The AWS scope of <paramref name="policyName"/>'s calls in <paramref name="region"/>: with a role, the
    /// session is named after the policy so that CloudTrail in the target account shows which policy acted.</summary>
    public AwsScope ScopeFor(string policyName, string region) =>
        RoleArn is null
            ? new AwsScope(region)
            : new AwsScope(region, RoleArn, ExternalId, SessionName(policyName), SessionTags.Count == 0 ? null : SessionTags);

    /// <summary>RoleSessionName of a policy's AssumeRole: sa-&lt;policy&gt;-&lt;hash&gt;, 2 to 64 of [\w+=,.@-] (botocore sts
    /// roleSessionNameType); the hash keeps two long names that share their start apart.</summary>
    public static string SessionName(string policyName)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(policyName)))[..8];
        var safe = new string(policyName.Select(c => char.IsAsciiLetterOrDigit(c) || "+=,.@-_".Contains(c) ? c : '-').ToArray());
        const int room = 64 - 3 - 1 - 8;
        return "sa-" + (safe.Length > room ? safe[..room] : safe) + "-" + hash;
    }
}

/// <summary>STS session tags with value equality (part of a scope's identity), sorted by key.</summary>
public sealed class SessionTags : IEquatable<SessionTags>
{
    private readonly KeyValuePair<string, string>[] _tags;

    private SessionTags(KeyValuePair<string, string>[] tags) => _tags = tags;

    /// <summary>No tags.</summary>
    public static SessionTags None { get; } = new([]);

    /// <summary>The tags of an AwsAccount spec.</summary>
    public static SessionTags Of(IEnumerable<SessionTagSpec>? tags) =>
        tags is null ? None : new(tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).OrderBy(t => t.Key, StringComparer.Ordinal).ToArray());

    /// <summary>The tags, sorted by key.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Items => _tags;

    /// <summary>How many.</summary>
    public int Count => _tags.Length;

    /// <inheritdoc />
    public bool Equals(SessionTags? other) => other is not null && _tags.AsSpan().SequenceEqual(other._tags);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SessionTags);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var t in _tags)
        {
            h.Add(t.Key);
            h.Add(t.Value);
        }
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(",", _tags.Select(t => t.Key + "=" + t.Value));
}
