using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>What the grants concern read: the grants on the session key, and those on keys the policy no longer uses.</summary>
/// <param name="OnKey">ListGrants of the session key; null when not read (no key, an AWS-managed key, nothing to compare).</param>
/// <param name="OnOtherKeys">Grants held by each other key the status names (keys gone or unreadable are left out).</param>
/// <param name="Failure">A failed read that is not "gone" or "not ours to read".</param>
internal sealed record GrantsObservation(
    IReadOnlyList<KmsGrant>? OnKey, IReadOnlyDictionary<string, IReadOnlyList<KmsGrant>> OnOtherKeys, AwsFailure? Failure);

/// <summary>The grants concern's plan.</summary>
/// <param name="Report">Plan and drift, with the verdict that holds when nothing is applied.</param>
/// <param name="Grants">status.grants when nothing is applied.</param>
/// <param name="KeyArn">The session key; null when grants are not managed on one.</param>
/// <param name="GrantName">The name every grant of this policy carries.</param>
/// <param name="Matched">Grants in place, kept as they are.</param>
/// <param name="ToCreate">Grantees without a grant.</param>
/// <param name="Stale">Grants this policy made that are no longer wanted.</param>
/// <param name="ReadyReason">The verdict's reason once applied.</param>
/// <param name="ReadyMessage">The verdict once applied.</param>
internal sealed record GrantsDelta(
    ConcernReport Report, IReadOnlyList<GrantStatus> Grants, string? KeyArn, string GrantName,
    IReadOnlyList<GrantStatus> Matched, IReadOnlyList<string> ToCreate, IReadOnlyList<GrantStatus> Stale, string ReadyReason, string ReadyMessage)
{
    /// <summary>True when Apply has something to write.</summary>
    public bool HasChanges => ToCreate.Count > 0 || Stale.Count > 0;
}

/// <summary>KMS grants (S5): one named grant per grantee on a customer-managed key; created or retired, never updated.</summary>
internal static class KmsGrants
{
    private const string Type = ConditionTypes.KmsGrantsReady;

    /// <summary>Operations each grant gives.</summary>
    public static IReadOnlyList<string> Operations { get; } = ["Decrypt", "GenerateDataKey"];

    /// <summary>Reads the grants to compare. <paramref name="key"/> is the session key as the key check resolved it
    /// (null when unset or not usable); nothing is read while the spec's key is not ready.</summary>
    public static async Task<GrantsObservation> ObserveAsync(IKmsGrantPort grants, PolicyFacts policy, KmsKeyInfo? key, CancellationToken ct)
    {
        var previous = policy.Previous.Grants ?? [];
        var none = new Dictionary<string, IReadOnlyList<KmsGrant>>(StringComparer.Ordinal);
        if (policy.Spec.Kms is not null && key is null)
        {
            return new GrantsObservation(null, none, null);
        }

        try
        {
            // Grants this policy made on a key it no longer uses (or on any key when it needs none) go. Status is no
            // proof of ownership: such a grant is revoked only when that key holds it under the policy's name.
            var others = new Dictionary<string, IReadOnlyList<KmsGrant>>(StringComparer.Ordinal);
            foreach (var otherKey in previous.Select(g => g.KeyArn).OfType<string>()
                         .Where(arn => key is null || key.KeyManager == KmsKeyManager.Aws || arn != key.Arn)
                         .Distinct(StringComparer.Ordinal))
            {
                try
                {
                    others[otherKey] = await grants.ListAsync(otherKey, ct).ConfigureAwait(false);
                }
                catch (AwsFailure f) when (f.Kind is AwsFailureKind.NotFound or AwsFailureKind.AccessDenied)
                {
                    // The key is gone, or no longer the operator's to read: nothing there to revoke.
                }
            }

            IReadOnlyList<KmsGrant>? onKey = null;
            if (key is { KeyManager: KmsKeyManager.Customer }
                && ((policy.Spec.Kms?.Grantees ?? []).Count > 0 || previous.Any(g => g.KeyArn is null || g.KeyArn == key.Arn)))
            {
                onKey = await grants.ListAsync(key.Arn, ct).ConfigureAwait(false);
            }

            return new GrantsObservation(onKey, others, null);
        }
        catch (AwsFailure f)
        {
            return new GrantsObservation(null, none, f);
        }
    }

    /// <summary>Compares the grants in place with the grantees of the spec.</summary>
    public static GrantsDelta Diff(PolicyFacts policy, KmsKeyInfo? key, GrantsObservation observed)
    {
        var report = new ConcernReport(Type);
        var previous = policy.Previous.Grants ?? [];
        var kms = policy.Spec.Kms;
        var grantName = ResourceNames.Grant(policy.Name, policy.Spec);
        if (kms is not null && key is null)
        {
            report.Set(false, "KeyNotReady", "Grants wait for the KMS key: see EncryptionReady.");
            return new GrantsDelta(report, previous, null, grantName, [], [], [], "", "");
        }

        if (observed.Failure is { } failure)
        {
            report.Failed(failure, $"Listing grants of key {key?.Arn ?? string.Join(", ", previous.Select(g => g.KeyArn).Distinct())} (kms:ListGrants)", policy.Spec.RoleArn);
            return new GrantsDelta(report, previous, null, grantName, [], [], [], "", "");
        }

        bool Owned(KmsGrant g) => ResourceNames.IsOwnedGrant(g.Name, policy.Name, policy.Spec, policy.Uid);
        var stale = previous
            .Where(g => g.KeyArn is not null && observed.OnOtherKeys.TryGetValue(g.KeyArn, out var held) && held.Any(h => h.GrantId == g.GrantId && Owned(h)))
            .ToList();
        var matched = new List<GrantStatus>();
        var toCreate = new List<string>();
        string reason;
        string message;
        if (kms is null || key is null)
        {
            reason = "NotConfigured";
            message = "spec.kms is not set: no grants are needed.";
        }
        else if (key.KeyManager == KmsKeyManager.Aws)
        {
            reason = "AwsManagedKeyNeedsNoGrants";
            message = $"Key {key.Arn} is AWS-managed: instance roles may use it without grants, so none is created"
                      + (kms.Grantees is { Count: > 0 } ? "; spec.kms.grantees is ignored." : ".");
        }
        else
        {
            var grantees = kms.Grantees ?? [];
            // A grant under an earlier release's name is the policy's too: it is replaced (created anew, then revoked), so
            // every grant ends up under the name `plan -f` computes.
            var ours = (observed.OnKey ?? []).Where(Owned).ToList();
            var current = ours.Where(g => g.Name == grantName).ToList();
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var grantee in grantees)
            {
                var match = current.FirstOrDefault(g => !used.Contains(g.GrantId) && g.GranteePrincipal == grantee && Operations.All(g.Operations.Contains));
                if (match is null)
                {
                    toCreate.Add(grantee);
                }
                else
                {
                    used.Add(match.GrantId);
                    matched.Add(new GrantStatus { Grantee = grantee, GrantId = match.GrantId, KeyArn = key.Arn });
                }
            }

            stale.AddRange(ours.Where(g => !used.Contains(g.GrantId))
                .Select(g => new GrantStatus { Grantee = g.GranteePrincipal, GrantId = g.GrantId, KeyArn = key.Arn }));
            foreach (var grantee in toCreate)
            {
                report.Plan("kms", ChangeAction.Create, $"kms.grants[{grantee}]", null, $"{grantName} on {key.Arn}: {string.Join(",", Operations)}");
                report.Drift.Add($"kms.grants[{grantee}]");
            }

            reason = "GrantsReady";
            message = grantees.Count == 0
                ? $"No grantees: no grants on {key.Arn}."
                : $"{grantees.Count} grantee(s) can use key {key.Arn} through grant {grantName}.";
        }

        foreach (var grant in stale)
        {
            report.Plan("kms", ChangeAction.Delete, $"kms.grants[{grant.Grantee}]", $"{grant.GrantId} on {grant.KeyArn}", null);
            report.Drift.Add($"kms.grants[{grant.Grantee}]");
        }

        if (toCreate.Count > 0)
        {
            report.Set(false, "DriftDetected", $"Missing grants on {key!.Arn} for: {string.Join(", ", toCreate)}. {policy.NotApplied}");
        }
        else if (stale.Count > 0)
        {
            report.Set(false, "DriftDetected", $"{stale.Count} grant(s) this policy made are no longer wanted. {policy.NotApplied}");
        }
        else
        {
            report.Set(true, reason, message);
        }

        // Not applied, status keeps what is in place and what would be revoked.
        return new GrantsDelta(report, [.. matched, .. stale], key?.Arn, grantName, matched, toCreate, stale, reason, message);
    }

    /// <summary>Creates the missing grants and retires the stale ones (Enforce only); returns the report and status.grants.</summary>
    public static async Task<(ConcernReport Report, IReadOnlyList<GrantStatus> Grants)> ApplyAsync(
        IKmsGrantPort grants, PolicyFacts policy, GrantsDelta delta, CancellationToken ct)
    {
        var report = delta.Report.CarryPlan();
        var kept = new List<GrantStatus>(delta.Matched);
        var failed = false;
        foreach (var grantee in delta.ToCreate)
        {
            var keyArn = delta.KeyArn!;
            try
            {
                var id = await report.WriteAsync(() => grants.CreateAsync(keyArn, grantee, Operations, delta.GrantName, ct)).ConfigureAwait(false);
                kept.Add(new GrantStatus { Grantee = grantee, GrantId = id, KeyArn = keyArn });
                report.Normal("GrantCreated", $"Created KMS grant {delta.GrantName} on {keyArn} for {grantee} (Decrypt, GenerateDataKey).");
            }
            catch (AwsFailure f)
            {
                report.Failed(f, $"Creating a grant on {keyArn} for {grantee} (kms:CreateGrant)", policy.Spec.RoleArn);
                failed = true;
            }
        }

        foreach (var grant in delta.Stale)
        {
            try
            {
                await report.WriteAsync(() => grants.RetireAsync(grant.KeyArn!, grant.GrantId, ct)).ConfigureAwait(false);
                report.Normal("GrantRetired", $"Retired KMS grant {grant.GrantId} on {grant.KeyArn} for {grant.Grantee}.");
            }
            catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
            {
                // Already gone: the goal is reached.
            }
            catch (AwsFailure f)
            {
                report.Failed(f, $"Retiring grant {grant.GrantId} on {grant.KeyArn} (kms:RevokeGrant)", policy.Spec.RoleArn);
                kept.Add(grant);
                failed = true;
            }
        }

        if (!failed)
        {
            report.Set(true, delta.ReadyReason, delta.ReadyMessage);
        }

        return (report, kept);
    }

    /// <summary>What deletion revokes, read from AWS: every grant held under the policy's name on the spec's key and on
    /// the keys status names (status alone is no proof of ownership). Reads only.</summary>
    public static async Task<IReadOnlyList<GrantStatus>> PlanCleanupAsync(IAwsEnvironment aws, PolicyFacts policy, ConcernReport report, CancellationToken ct)
    {
        var keys = (policy.Previous.Grants ?? []).Select(g => g.KeyArn).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (policy.Spec.Kms is { } kms && await aws.Keys.DescribeAsync(kms.KeyId, ct).ConfigureAwait(false) is { KeyManager: KmsKeyManager.Customer } key)
        {
            keys.Add(key.Arn);
        }

        var owned = new List<GrantStatus>();
        foreach (var keyArn in keys.Order(StringComparer.Ordinal))
        {
            IReadOnlyList<KmsGrant> held;
            try
            {
                held = await aws.Grants.ListAsync(keyArn, ct).ConfigureAwait(false);
            }
            catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
            {
                continue;
            }

            owned.AddRange(held
                .Where(g => ResourceNames.IsOwnedGrant(g.Name, policy.Name, policy.Spec, policy.Uid))
                .Select(g => new GrantStatus { Grantee = g.GranteePrincipal, GrantId = g.GrantId, KeyArn = keyArn }));
        }

        foreach (var g in owned)
        {
            report.Plan("kms", ChangeAction.Delete, $"kms.grants[{g.Grantee}]", $"{g.GrantId} on {g.KeyArn}", null);
        }

        return owned;
    }

    /// <summary>Revokes the grants deletion found (Enforce only).</summary>
    public static async Task CleanupAsync(IKmsGrantPort grants, IReadOnlyList<GrantStatus> owned, ConcernReport report, CancellationToken ct)
    {
        foreach (var g in owned)
        {
            try
            {
                await report.WriteAsync(() => grants.RetireAsync(g.KeyArn!, g.GrantId, ct)).ConfigureAwait(false);
                report.Normal("GrantRetired", $"Retired KMS grant {g.GrantId} on {g.KeyArn} for {g.Grantee}.");
            }
            catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
            {
                // Already gone.
            }
        }
    }
}
