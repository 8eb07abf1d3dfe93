using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Accounts;

/// <summary>Which AwsAccount a policy uses: the one its spec.accountRef names, else the one marked default, else none
/// (the built-in guardrails in the operator's own account). Pure: the caller passes the accounts it knows.</summary>
public static class AccountDirectory
{
    /// <summary>The outcome: the AwsAccount (null for the built-in defaults), or why none can be used.</summary>
    public readonly record struct Resolution(AwsAccount? Account, string? Problem)
    {
        /// <summary>True when the policy may go on (with <see cref="Account"/>, or the built-in defaults).</summary>
        public bool Found => Problem is null;
    }

    /// <summary>Resolves the account of <paramref name="spec"/> among <paramref name="accounts"/>.</summary>
    public static Resolution Resolve(SessionLoggingPolicySpec spec, IEnumerable<AwsAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(accounts);
        if (spec.AccountRef is { } reference)
        {
            var named = accounts.FirstOrDefault(a => a.Name == reference.Name);
            return named is null
                ? new(null, $"spec.accountRef names AwsAccount {reference.Name}, which does not exist: a cluster admin creates it (kubectl get awsaccounts lists those there are)")
                : Checked(named);
        }

        var defaults = accounts.Where(a => a.Spec.Default).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        return defaults.Count switch
        {
            0 => new(null, null),
            1 => Checked(defaults[0]),
            _ => new(null, $"AwsAccounts {string.Join(", ", defaults.Select(a => a.Name))} are all marked default: a cluster admin keeps spec.default on one of them"),
        };
    }

    // An AwsAccount the CRD's rules refuse (a server without them, a hand-edited object, a file given to plan) is not used.
    private static Resolution Checked(AwsAccount account) =>
        Validation.AccountValidator.Validate(account.Spec) is { Count: > 0 } errors
            ? new(null, $"AwsAccount {account.Name} is invalid: {string.Join("; ", errors)}")
            : new(account, null);
}
