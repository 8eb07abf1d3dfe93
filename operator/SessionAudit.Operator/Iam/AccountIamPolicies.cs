using System.Text.Json.Nodes;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Iam;

/// <summary>The IAM documents of a set of SessionLoggingPolicies and AwsAccounts: the operator role's policy (its own
/// account), and per AwsAccount with a roleArn the target role's permissions policy and trust policy.</summary>
public sealed class AccountIamPolicies
{
    /// <summary>Prefix of every RoleSessionName the operator uses (<see cref="AccountBinding.SessionName"/>).</summary>
    public const string SessionNamePrefix = "sa-";

    /// <summary>What the trust policy holds in place of an external id kept in a Secret the CLI cannot read.</summary>
    public const string ExternalIdPlaceholder = "REPLACE-WITH-THE-EXTERNAL-ID-OF-SECRET-";

    private readonly IReadOnlyList<SessionLoggingPolicy> _policies;
    private readonly IReadOnlyList<AwsAccount> _accounts;

    /// <summary>Resolves every policy's AwsAccount (spec.accountRef, else the one marked default, else the operator's own
    /// account). Throws <see cref="ArgumentException"/> naming the policy when one cannot be resolved among
    /// <paramref name="accounts"/>, or when a policy still carries the removed spec.roleArn/spec.externalId.</summary>
    public AccountIamPolicies(IReadOnlyList<SessionLoggingPolicy> policies, IReadOnlyList<AwsAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(accounts);
        foreach (var duplicate in accounts.GroupBy(a => a.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new ArgumentException($"AwsAccount {duplicate.Key} is given more than once");
        }

        foreach (var p in policies)
        {
            if (!string.IsNullOrEmpty(p.Spec.RoleArn))
            {
                throw new ArgumentException($"SessionLoggingPolicy {p.Metadata.Name}: spec.roleArn {SessionLoggingPolicySpec.RemovedRoleArn}");
            }

            if (!string.IsNullOrEmpty(p.Spec.ExternalId))
            {
                throw new ArgumentException($"SessionLoggingPolicy {p.Metadata.Name}: spec.externalId {SessionLoggingPolicySpec.RemovedExternalId}");
            }

            if (p.Spec.AccountRef is { } reference && accounts.All(a => a.Name != reference.Name))
            {
                throw new ArgumentException($"SessionLoggingPolicy {p.Metadata.Name} names AwsAccount {reference.Name} (spec.accountRef.name), which is not in the files given: add its manifest with -f");
            }

            var resolution = AccountDirectory.Resolve(p.Spec, accounts);
            if (!resolution.Found)
            {
                throw new ArgumentException($"SessionLoggingPolicy {p.Metadata.Name}: {resolution.Problem}");
            }
        }

        _policies = policies;
        _accounts = accounts;
    }

    /// <summary>The AwsAccounts given that name a role to assume, by name.</summary>
    public IReadOnlyList<AwsAccount> RoleAccounts =>
        _accounts.Where(a => !string.IsNullOrEmpty(a.Spec.RoleArn)).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();

    /// <summary>The operator role's policy: the Session Manager permissions of the policies acting in its own account
    /// (in <paramref name="operatorAccount"/> when known, else any), sts:AssumeRole on exactly the AwsAccounts' roles, and
    /// sts:TagSession on those whose AwsAccount sets sessionTags.</summary>
    public string OperatorPolicy(string? operatorAccount = null)
    {
        var own = _policies.Where(p => RoleOf(p) is null).Select(p => p.Spec).ToList();
        var roles = RoleAccounts;
        return IamPolicyBuilder.Build(
            own,
            operatorAccount ?? "*",
            roles.Select(a => a.Spec.RoleArn!).ToList(),
            roles.Where(a => a.Spec.SessionTags is { Count: > 0 }).Select(a => a.Spec.RoleArn!).ToList());
    }

    /// <summary>The permissions policy of <paramref name="account"/>'s role: the Session Manager permissions of the
    /// policies using it, with that role's account in every ARN that names one. Throws <see cref="ArgumentException"/>
    /// when the account has no roleArn or no policy given uses it.</summary>
    public string TargetPolicy(AwsAccount account)
    {
        var role = RoleArnOf(account);
        var specs = _policies.Where(p => RoleOf(p) == role).Select(p => p.Spec).ToList();
        if (specs.Count == 0)
        {
            throw new ArgumentException($"no SessionLoggingPolicy given names AwsAccount {account.Name} (spec.accountRef.name): give its policies with -f, the permissions are scoped to what they name");
        }

        return IamPolicyBuilder.Build(specs, Arn.AccountOfRole(role)!, [], []);
    }

    /// <summary>The trust policy of <paramref name="account"/>'s role: <paramref name="operatorRoleArn"/> may assume it
    /// with a session name starting sa- (sts:RoleSessionName), with the external id when the AwsAccount uses one
    /// (<paramref name="externalId"/> when given, else its inline externalId, else a placeholder naming its Secret), and may
    /// tag the session when the AwsAccount sets sessionTags.</summary>
    public static string TrustPolicy(AwsAccount account, string operatorRoleArn, string? externalId = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentException.ThrowIfNullOrEmpty(operatorRoleArn);
        RoleArnOf(account);
        var principal = new JsonObject { ["AWS"] = operatorRoleArn };
        var condition = new JsonObject
        {
            // sts:RoleSessionName: the session name given to AssumeRole (IAM User Guide, IAM and AWS STS condition context keys).
            ["StringLike"] = new JsonObject { ["sts:RoleSessionName"] = SessionNamePrefix + "*" },
        };
        if (ExternalIdOf(account, externalId) is { } id)
        {
            condition["StringEquals"] = new JsonObject { ["sts:ExternalId"] = id };
        }

        var statements = new JsonArray(Trust("AssumeBySessionAuditOperator", "sts:AssumeRole", principal, condition));
        if (account.Spec.SessionTags is { Count: > 0 })
        {
            statements.Add(Trust("TagSessionsOfSessionAuditOperator", "sts:TagSession", principal.DeepClone(), null));
        }

        return IamPolicyBuilder.Serialize(statements);
    }

    /// <summary>Whether <see cref="TrustPolicy"/> of <paramref name="account"/> holds <see cref="ExternalIdPlaceholder"/>
    /// (an external id from a Secret, none given).</summary>
    public static bool NeedsExternalId(AwsAccount account, string? externalId) =>
        ExternalIdOf(account, externalId)?.StartsWith(ExternalIdPlaceholder, StringComparison.Ordinal) == true;

    private static string? ExternalIdOf(AwsAccount account, string? externalId) =>
        externalId is { Length: > 0 } ? externalId
        : account.Spec.ExternalId is { Length: > 0 } inline ? inline
        : account.Spec.ExternalIdSecretRef is { } secret ? $"{ExternalIdPlaceholder}{secret.Name}-KEY-{secret.Key}"
        : null;

    private static JsonObject Trust(string sid, string action, JsonNode principal, JsonObject? condition)
    {
        var statement = new JsonObject
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Principal"] = principal,
            ["Action"] = action,
        };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        return statement;
    }

    private static string RoleArnOf(AwsAccount account) =>
        account.Spec.RoleArn is { Length: > 0 } role
            ? role
            : throw new ArgumentException($"AwsAccount {account.Name} has no roleArn: its policies act in the operator's own account, with the operator role's policy (iam-policy --for operator)");

    private string? RoleOf(SessionLoggingPolicy policy) =>
        AccountDirectory.Resolve(policy.Spec, _accounts).Account?.Spec.RoleArn is { Length: > 0 } role ? role : null;
}
