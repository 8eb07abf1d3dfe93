using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Accounts;

/// <summary>What the reconciler knows about accounts for one policy: its binding (or why there is none) and the
/// AwsAccounts there are, to tell which policies manage the same AWS account.</summary>
/// <param name="Binding">Where the policy acts and within which guardrails; null when <paramref name="Problem"/> says why not.</param>
/// <param name="Problem">Why the policy's account cannot be used (missing AwsAccount, two defaults, unreadable external id).</param>
/// <param name="Accounts">Every AwsAccount known.</param>
public sealed record AccountContext(AccountBinding? Binding, string? Problem, IReadOnlyList<AwsAccount> Accounts)
{
    /// <summary>No AwsAccount exists: the operator's own account under the built-in guardrails.</summary>
    public static AccountContext BuiltIn { get; } = new(AccountBinding.BuiltIn, null, []);

    /// <summary>The context of a policy whose AwsAccount needs no Secret (or whose external id is given).</summary>
    public static AccountContext Resolve(SessionLoggingPolicySpec spec, IReadOnlyList<AwsAccount> accounts, string? externalId = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var resolution = AccountDirectory.Resolve(spec, accounts);
        if (!resolution.Found)
        {
            return new(null, resolution.Problem, accounts);
        }

        return new(resolution.Account is { } a ? AccountBinding.Of(a, externalId ?? a.Spec.ExternalId) : AccountBinding.BuiltIn, null, accounts);
    }

    /// <summary>The account key of a policy naming <paramref name="accountRef"/> (null: none): the role's 12-digit account,
    /// "" for the operator's own, or a key of its own for an AwsAccount that does not exist.</summary>
    public string KeyOf(string? accountRef)
    {
        var account = accountRef is null
            ? (Accounts.Count(a => a.Spec.Default) == 1 ? Accounts.First(a => a.Spec.Default) : null)
            : Accounts.FirstOrDefault(a => a.Name == accountRef);
        if (accountRef is not null && account is null)
        {
            return "?" + accountRef;
        }

        return Arn.AccountOfRole(account?.Spec.RoleArn) ?? "";
    }
}
