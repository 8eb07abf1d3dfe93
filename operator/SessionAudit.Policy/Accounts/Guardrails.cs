using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Accounts;

/// <summary>What a policy may write in its account: the AwsAccount's guardrails (or the built-in defaults) applied to
/// the spec. Pure. A refused setting is not written; the concern it belongs to says which guardrail refused it and
/// which AwsAccount a cluster admin would change.</summary>
public static class Guardrails
{
    /// <summary>Users Run As may not default to unless an AwsAccount lists them.</summary>
    public static IReadOnlyList<string> PrivilegedUsers { get; } = ["root", "Administrator"];

    /// <summary>Prefixes of the documents AWS owns: SSM refuses customer document names starting with aws, amazon or amzn
    /// (CreateDocument, Name: "reserved by AWS for use as document name prefixes").</summary>
    public static IReadOnlyList<string> AwsOwnedDocumentPrefixes { get; } = ["aws", "amazon", "amzn"];

    /// <summary>The condition reason of a refusal.</summary>
    public const string NotAllowed = "NotAllowed";

    /// <summary>One refusal: the concern's condition type and the message naming the guardrail.</summary>
    public sealed record Refusal(string ConditionType, string Message);

    /// <summary>Whether checking <paramref name="spec"/> needs the account id of the operator's own credentials (the
    /// grantee check of a binding without a role, when the AwsAccount does not list the grantees' accounts).</summary>
    public static bool NeedsOwnAccountId(SessionLoggingPolicySpec spec, AccountBinding binding)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(binding);
        return binding.RoleAccount is null && binding.Guardrails.AllowedGranteeAccounts is null && spec.EffectiveInstanceRoles.Count > 0;
    }

    /// <summary>Every refusal for <paramref name="spec"/>. <paramref name="accountId"/> is the account the policy acts in
    /// (null when not known: only needed when <see cref="NeedsOwnAccountId"/>).</summary>
    public static IReadOnlyList<Refusal> Check(SessionLoggingPolicySpec spec, AccountBinding binding, string? accountId)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(binding);
        var g = binding.Guardrails;
        var refusals = new List<Refusal>();
        var preferences = new List<string>();
        if (!g.AllowShellProfile && spec.Session?.ShellProfile is { } profile
            && (!string.IsNullOrEmpty(profile.Linux) || !string.IsNullOrEmpty(profile.Windows)))
        {
            preferences.Add($"spec.session.shellProfile (commands run at the start of every session) is not allowed by {binding.Describe}: " +
                Change(binding, "spec.guardrails.allowShellProfile: true"));
        }

        if (spec.Session?.RunAs is { Enabled: true, DefaultUser: { Length: > 0 } user } && !RunAsAllowed(user, g))
        {
            preferences.Add(g.AllowedRunAsUsers is null
                ? $"spec.session.runAs.defaultUser {user} is not allowed by {binding.Describe} (without spec.guardrails.allowedRunAsUsers, any user but {string.Join(" and ", PrivilegedUsers)}): " +
                  Change(binding, $"spec.guardrails.allowedRunAsUsers listing {user}")
                : $"spec.session.runAs.defaultUser {user} is not in spec.guardrails.allowedRunAsUsers of {binding.Describe} ({string.Join(", ", g.AllowedRunAsUsers)})");
        }

        if (preferences.Count > 0)
        {
            refusals.Add(new(ConditionTypes.PreferencesSynced, "The preferences document is not written: " + string.Join("; ", preferences) + "."));
        }

        var account = binding.RoleAccount ?? accountId;
        var allowedAccounts = g.AllowedGranteeAccounts ?? (account is null ? [] : [account]);
        var foreign = spec.EffectiveInstanceRoles.Where(r => Arn.TryParse(r)?.Account is not { } a || !allowedAccounts.Contains(a)).ToList();
        if (foreign.Count > 0)
        {
            var allowed = g.AllowedGranteeAccounts is null
                ? $"without spec.guardrails.allowedGranteeAccounts, only roles of the account itself{(account is null ? "" : $" ({account})")}"
                : $"spec.guardrails.allowedGranteeAccounts: {string.Join(", ", g.AllowedGranteeAccounts)}";
            refusals.Add(new(ConditionTypes.KmsGrantsReady,
                $"No KMS grant is created: spec.instanceRoles {string.Join(", ", foreign)} {(foreign.Count == 1 ? "is" : "are")} of an account {binding.Describe} does not allow ({allowed}). " +
                Change(binding, "spec.guardrails.allowedGranteeAccounts listing the account") + "."));
        }

        var documents = (spec.Alerts?.RunCommands ?? []).Select(t => t.DocumentName).Where(d => !RunCommandAllowed(d, g)).Distinct().ToList();
        if (documents.Count > 0)
        {
            var allowed = g.AllowedRunCommandDocuments is null
                ? "without spec.guardrails.allowedRunCommandDocuments, no Run Command document: the policy author picks its parameters and instances"
                : $"spec.guardrails.allowedRunCommandDocuments: {string.Join(", ", g.AllowedRunCommandDocuments)}";
            refusals.Add(new(ConditionTypes.AlertsReady,
                $"The alert rule is not written: Run Command document {string.Join(", ", documents)} is not allowed by {binding.Describe} ({allowed}). " +
                Change(binding, "spec.guardrails.allowedRunCommandDocuments listing it") + "."));
        }

        return refusals;
    }

    /// <summary>Why the report may not be exported to <paramref name="bucket"/>; null when it may.</summary>
    public static string? ReportBucketRefusal(string bucket, AccountBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return binding.Guardrails.AllowedReportBuckets is { } allowed && !allowed.Contains(bucket)
            ? $"The report is not exported: spec.report.s3.bucketName {bucket} is not in spec.guardrails.allowedReportBuckets of {binding.Describe} ({string.Join(", ", allowed)})."
            : null;
    }

    private static bool RunAsAllowed(string user, GuardrailsSpec g) =>
        g.AllowedRunAsUsers is { } allowed
            ? allowed.Contains(user, StringComparer.Ordinal)
            : !PrivilegedUsers.Contains(user, StringComparer.OrdinalIgnoreCase);

    private static bool RunCommandAllowed(string document, GuardrailsSpec g)
    {
        if (g.AllowedRunCommandDocuments is not { } allowed)
        {
            // Without a list nothing is allowed: the author chooses the parameters and the instances, so even an
            // AWS-owned document (AWS-RunShellScript with any commands) runs what the author wants as root.
            return false;
        }

        if (allowed.Contains(document, StringComparer.Ordinal))
        {
            return true;
        }

        // A listed AWS-owned name also allows its ARN, which has no account (arn:aws:ssm:us-east-1::document/AWS-RunShellScript).
        var name = document;
        if (document.StartsWith("arn:", StringComparison.Ordinal))
        {
            var arn = Arn.TryParse(document);
            if (arn is null || !string.IsNullOrEmpty(arn.Account) || !arn.Resource.StartsWith("document/", StringComparison.Ordinal))
            {
                return false;
            }

            name = arn.Resource["document/".Length..];
        }

        return name != document && AwsOwnedDocumentPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) && allowed.Contains(name, StringComparer.Ordinal);
    }

    private static string Change(AccountBinding binding, string what) =>
        binding.AccountName is null
            ? $"a cluster admin marks an AwsAccount default (spec.default: true) with {what}"
            : $"a cluster admin sets {what} on AwsAccount {binding.AccountName}";
}
