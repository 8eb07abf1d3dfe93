using SessionAudit.Policy.Accounts;

namespace SessionAudit.Policy.Validation;

/// <summary>Checks an AwsAccount spec as the CRD does (patterns, bounds, its CEL rules restated), so that an object a
/// server let through without them (or a file given to `plan`) gets the same answer. Never throws.</summary>
public static class AccountValidator
{
    /// <summary>All problems of <paramref name="spec"/>; empty when it is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(AwsAccountSpec? spec)
    {
        var errors = new List<ValidationError>();
        if (spec is null)
        {
            errors.Add(new("spec", "is required"));
            return errors;
        }

        SchemaRules.Check(spec, "spec", errors);
        if (spec.ExternalId is not null && spec.ExternalIdSecretRef is not null)
        {
            errors.Add(new("spec.externalIdSecretRef", "set externalId or externalIdSecretRef, not both"));
        }

        if ((spec.ExternalId is not null || spec.ExternalIdSecretRef is not null) && spec.RoleArn is null)
        {
            errors.Add(new("spec.roleArn", "an external id needs roleArn: it is only sent when assuming a role"));
        }

        if (spec.SessionTags is not null && spec.RoleArn is null)
        {
            errors.Add(new("spec.sessionTags", "sessionTags need roleArn: they are sent with AssumeRole"));
        }

        if (spec.Default && spec.RoleArn is not null)
        {
            errors.Add(new("spec.roleArn", "the default AwsAccount is the operator's own account: it takes no roleArn"));
        }

        if (spec.SessionTags is { } tags && tags.GroupBy(t => t.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            // STS: "the same key cannot be passed twice, even with different case".
            errors.Add(new("spec.sessionTags", $"duplicate key \"{duplicate.Key}\" (session tag keys are case-insensitive)"));
        }

        return errors;
    }
}
