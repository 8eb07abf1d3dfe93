namespace SessionAudit.Policy.Accounts;

/// <summary>An admin-owned AWS account binding (cluster-scoped): the role the operator assumes for the policies that name
/// it, and the guardrails those policies must stay within. Policy authors name it; they never name credentials.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Spec">The spec.</param>
public sealed record AwsAccount(string Name, AwsAccountSpec Spec)
{
    /// <summary>Kind.</summary>
    public const string KindName = "AwsAccount";
    /// <summary>Plural resource name.</summary>
    public const string Plural = "awsaccounts";
    /// <summary>Singular resource name.</summary>
    public const string Singular = "awsaccount";
    /// <summary>Short name.</summary>
    public const string ShortName = "awsacct";
}
