using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>A customer-managed key the instance roles must be able to use, and what it is for.</summary>
/// <param name="Key">The key as DescribeKey resolved it.</param>
/// <param name="Purpose">"the session key", "the S3 bucket's key"...</param>
internal sealed record GrantKey(KmsKeyInfo Key, string Purpose);

/// <summary>The keys that need grants: those resolved, and those the instances need that are not known yet (a check
/// failed). While one is unknown, no grant on a key the policy no longer names is revoked: it may be that key.</summary>
/// <param name="Keys">Customer-managed keys, each once (by ARN).</param>
/// <param name="Waiting">What is not known yet, for example "the session key (see EncryptionReady)".</param>
internal sealed record GrantTargets(IReadOnlyList<GrantKey> Keys, IReadOnlyList<string> Waiting)
{
    /// <summary>The session key (when spec.kms is set) and the bucket's key; AWS-managed keys need no grants.</summary>
    public static GrantTargets Of(PolicyFacts policy, KmsKeyInfo? sessionKey, BucketKey bucketKey)
    {
        var keys = new List<GrantKey>();
        var waiting = new List<string>();
        if (policy.Spec.Kms is not null)
        {
            if (sessionKey is null)
            {
                waiting.Add("the session key (see EncryptionReady)");
            }
            else
            {
                keys.Add(new GrantKey(sessionKey, "the session key"));
            }
        }

        if (bucketKey.Unknown)
        {
            waiting.Add("the S3 bucket's key (see S3Ready)");
        }
        else if (bucketKey.Customer is { } bk)
        {
            var same = keys.FindIndex(k => k.Key.Arn == bk.Arn);
            if (same >= 0)
            {
                keys[same] = keys[same] with { Purpose = "the session key and the S3 bucket's key" };
            }
            else
            {
                keys.Add(new GrantKey(bk, "the S3 bucket's key"));
            }
        }

        return new GrantTargets(keys, waiting);
    }
}

/// <summary>What the grants concern read: the grants on each key that needs them, and those on keys the policy no longer uses.</summary>
/// <param name="OnKeys">ListGrants of each target key, by key ARN (keys with nothing to compare are not read).</param>
/// <param name="OnOtherKeys">Grants held by each other key the status names (keys gone or unreadable are left out).</param>
/// <param name="Failure">A failed read that is not "gone" or "not ours to read".</param>
internal sealed record GrantsObservation(
    IReadOnlyDictionary<string, IReadOnlyList<KmsGrant>> OnKeys, IReadOnlyDictionary<string, IReadOnlyList<KmsGrant>> OnOtherKeys, AwsFailure? Failure);

/// <summary>The grants concern's plan.</summary>
/// <param name="Report">Plan and drift, with the verdict that holds when nothing is applied.</param>
/// <param name="Grants">status.grants when nothing is applied.</param>
/// <param name="GrantName">The name every grant of this policy carries.</param>
/// <param name="Matched">Grants in place, kept as they are (and grants on keys not read while one is unknown).</param>
/// <param name="ToCreate">Role and key pairs without a grant (GrantId empty).</param>
/// <param name="Stale">Grants this policy made that are no longer wanted.</param>
/// <param name="ReadyReason">The verdict's reason once applied.</param>
/// <param name="ReadyMessage">The verdict once applied.</param>
/// <param name="Ready">The verdict's status once applied (False while a key is unknown).</param>
internal sealed record GrantsDelta(
    ConcernReport Report, IReadOnlyList<GrantStatus> Grants, string GrantName,
    IReadOnlyList<GrantStatus> Matched, IReadOnlyList<GrantStatus> ToCreate, IReadOnlyList<GrantStatus> Stale, string ReadyReason, string ReadyMessage, bool Ready)
{
    /// <summary>True when Apply has something to write.</summary>
    public bool HasChanges => ToCreate.Count > 0 || Stale.Count > 0;
}

/// <summary>KMS grants (S5): one named grant per instance role on every customer-managed key the instances use (the
/// session key, the S3 bucket's key); created or retired, never updated.</summary>
internal static class KmsGrants
{
    private const string Type = ConditionTypes.KmsGrantsReady;

    /// <summary>Operations each grant gives: what the SSM Agent calls for session encryption and for an SSE-KMS upload.</summary>
    public static IReadOnlyList<string> Operations { get; } = ["Decrypt", "GenerateDataKey"];

    /// <summary>Reads the grants to compare on each target key, and on keys status names that are no longer targets
    /// (not while a target is unknown).</summary>
    public static async Task<GrantsObservation> ObserveAsync(IKmsGrantPort grants, PolicyFacts policy, GrantTargets targets, CancellationToken ct)
    {
        var previous = policy.Previous.Grants ?? [];
        var none = new Dictionary<string, IReadOnlyList<KmsGrant>>(StringComparer.Ordinal);
        var roles = policy.Spec.EffectiveInstanceRoles;
        var targetArns = targets.Keys.Select(k => k.Key.Arn).ToHashSet(StringComparer.Ordinal);
        try
        {
            // Grants this policy made on a key it no longer uses go. Status is no proof of ownership: such a grant is
            // revoked only when that key holds it under the policy's name.
            var others = new Dictionary<string, IReadOnlyList<KmsGrant>>(StringComparer.Ordinal);
            if (targets.Waiting.Count == 0)
            {
                foreach (var otherKey in previous.Select(g => g.KeyArn).OfType<string>()
                             .Where(arn => !targetArns.Contains(arn))
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
            }

            var onKeys = new Dictionary<string, IReadOnlyList<KmsGrant>>(StringComparer.Ordinal);
            foreach (var target in targets.Keys)
            {
                if (roles.Count > 0 || previous.Any(g => g.KeyArn is null || g.KeyArn == target.Key.Arn))
                {
                    onKeys[target.Key.Arn] = await grants.ListAsync(target.Key.Arn, ct).ConfigureAwait(false);
                }
            }

            return new GrantsObservation(onKeys, others, null);
        }
        catch (AwsFailure f)
        {
            return new GrantsObservation(none, none, f);
        }
    }

    /// <summary>Compares the grants in place with the instance roles of the spec, on every target key.</summary>
    public static GrantsDelta Diff(PolicyFacts policy, GrantTargets targets, GrantsObservation observed)
    {
        var report = new ConcernReport(Type);
        var previous = policy.Previous.Grants ?? [];
        var grantName = ResourceNames.Grant(policy.Name, policy.Spec, policy.RoleArn);
        var deprecated = policy.Spec.InstanceRoles is null && policy.Spec.Kms?.Grantees is not null
            ? " spec.kms.grantees is deprecated: move its roles to spec.instanceRoles (same meaning)."
            : "";
        if (deprecated.Length > 0)
        {
            report.Warn("DeprecatedField", deprecated.Trim());
            report.Notes.Add(deprecated.Trim());
        }

        if (observed.Failure is { } failure)
        {
            var keys = targets.Keys.Select(k => k.Key.Arn).Concat(previous.Select(g => g.KeyArn).OfType<string>()).Distinct(StringComparer.Ordinal);
            report.Failed(failure, $"Listing grants of key {string.Join(", ", keys)} (kms:ListGrants)", policy.RoleArn);
            return new GrantsDelta(report, previous, grantName, [], [], [], "", "", false);
        }

        bool Owned(KmsGrant g) => ResourceNames.IsOwnedGrant(g.Name, policy.Name, policy.Spec, policy.RoleArn, policy.Uid);
        var targetArns = targets.Keys.Select(k => k.Key.Arn).ToHashSet(StringComparer.Ordinal);
        var stale = previous
            .Where(g => g.KeyArn is not null && observed.OnOtherKeys.TryGetValue(g.KeyArn, out var held) && held.Any(h => h.GrantId == g.GrantId && Owned(h)))
            .ToList();
        // While a key is unknown, grants on keys not read are kept in status: they may be on that key.
        var unread = targets.Waiting.Count > 0
            ? previous.Where(g => g.KeyArn is not null && !targetArns.Contains(g.KeyArn)).ToList()
            : [];
        var matched = new List<GrantStatus>(unread);
        var toCreate = new List<GrantStatus>();
        var roles = policy.Spec.EffectiveInstanceRoles;
        foreach (var target in targets.Keys)
        {
            var key = target.Key;
            // A grant under an earlier release's name is the policy's too: it is replaced (created anew, then revoked), so
            // every grant ends up under the name `plan -f` computes.
            var ours = observed.OnKeys.GetValueOrDefault(key.Arn, []).Where(Owned).ToList();
            var current = ours.Where(g => g.Name == grantName).ToList();
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var role in roles)
            {
                var match = current.FirstOrDefault(g => !used.Contains(g.GrantId) && g.GranteePrincipal == role && Operations.All(g.Operations.Contains));
                if (match is null)
                {
                    toCreate.Add(new GrantStatus { Grantee = role, GrantId = "", KeyArn = key.Arn });
                    report.Plan("kms", ChangeAction.Create, $"kms.grants[{role}]", null, $"{grantName} on {key.Arn}: {string.Join(",", Operations)}");
                    report.Drift.Add($"kms.grants[{role}]");
                }
                else
                {
                    used.Add(match.GrantId);
                    matched.Add(new GrantStatus { Grantee = role, GrantId = match.GrantId, KeyArn = key.Arn });
                }
            }

            stale.AddRange(ours.Where(g => !used.Contains(g.GrantId))
                .Select(g => new GrantStatus { Grantee = g.GranteePrincipal, GrantId = g.GrantId, KeyArn = key.Arn }));
        }

        foreach (var grant in stale)
        {
            report.Plan("kms", ChangeAction.Delete, $"kms.grants[{grant.Grantee}]", $"{grant.GrantId} on {grant.KeyArn}", null);
            report.Drift.Add($"kms.grants[{grant.Grantee}]");
        }

        var (ready, reason, message) = Verdict(policy, targets, roles, grantName);
        message += deprecated;
        if (toCreate.Count > 0)
        {
            report.Set(false, "DriftDetected", $"Missing grants: {string.Join(", ", toCreate.Select(g => $"{g.Grantee} on {g.KeyArn}"))}. {policy.NotApplied}{deprecated}");
        }
        else if (stale.Count > 0)
        {
            report.Set(false, "DriftDetected", $"{stale.Count} grant(s) this policy made are no longer wanted. {policy.NotApplied}{deprecated}");
        }
        else
        {
            report.Set(ready, reason, message);
        }

        // Not applied, status keeps what is in place and what would be revoked.
        return new GrantsDelta(report, [.. matched, .. stale], grantName, matched, toCreate, stale, reason, message, ready);
    }

    private static (bool Ready, string Reason, string Message) Verdict(PolicyFacts policy, GrantTargets targets, IReadOnlyList<string> roles, string grantName)
    {
        var keys = string.Join("; ", targets.Keys.Select(k => $"{k.Purpose} {k.Key.Arn}"));
        if (targets.Waiting.Count > 0)
        {
            return (false, "KeyNotReady", $"Grants wait for {string.Join(" and ", targets.Waiting)}"
                + (targets.Keys.Count > 0 && roles.Count > 0 ? $"; in place on {keys}." : "."));
        }

        if (targets.Keys.Count == 0)
        {
            return (true, "NotConfigured", policy.Spec.Kms is null
                ? "No customer-managed key needs grants: spec.kms is not set and the S3 bucket (if any) uses no customer-managed key."
                : "No customer-managed key needs grants.");
        }

        return roles.Count == 0
            ? (true, "GrantsReady", $"No instance roles: no grants on {keys}. Set spec.instanceRoles to the roles of the instance profiles that use Session Manager, unless the key policies already let them use these keys.")
            : (true, "GrantsReady", $"{roles.Count} instance role(s) can use {keys} through grant {grantName}.");
    }

    /// <summary>Creates the missing grants and retires the stale ones (Enforce only); returns the report and status.grants.</summary>
    public static async Task<(ConcernReport Report, IReadOnlyList<GrantStatus> Grants)> ApplyAsync(
        IKmsGrantPort grants, PolicyFacts policy, GrantsDelta delta, CancellationToken ct)
    {
        var report = delta.Report.CarryPlan();
        report.Events.AddRange(delta.Report.Events.Where(e => e.Reason == "DeprecatedField"));
        var kept = new List<GrantStatus>(delta.Matched);
        var failed = false;
        foreach (var (grantee, keyArn) in delta.ToCreate.Select(g => (g.Grantee, g.KeyArn!)))
        {
            try
            {
                var id = await report.WriteAsync(() => grants.CreateAsync(keyArn, grantee, Operations, delta.GrantName, ct)).ConfigureAwait(false);
                kept.Add(new GrantStatus { Grantee = grantee, GrantId = id, KeyArn = keyArn });
                report.Normal("GrantCreated", $"Created KMS grant {delta.GrantName} on {keyArn} for {grantee} (Decrypt, GenerateDataKey).");
            }
            catch (AwsFailure f)
            {
                report.Failed(f, $"Creating a grant on {keyArn} for {grantee} (kms:CreateGrant)", policy.RoleArn);
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
                report.Failed(f, $"Retiring grant {grant.GrantId} on {grant.KeyArn} (kms:RevokeGrant)", policy.RoleArn);
                kept.Add(grant);
                failed = true;
            }
        }

        if (!failed)
        {
            report.Set(delta.Ready, delta.ReadyReason, delta.ReadyMessage);
        }

        return (report, kept);
    }

    /// <summary>What deletion revokes, read from AWS: every grant held under the policy's name on the spec's key, the
    /// bucket's key and the keys status names (status alone is no proof of ownership). Reads only.</summary>
    public static async Task<IReadOnlyList<GrantStatus>> PlanCleanupAsync(IAwsEnvironment aws, PolicyFacts policy, ConcernReport report, CancellationToken ct)
    {
        var keys = (policy.Previous.Grants ?? []).Select(g => g.KeyArn).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (policy.Spec.Kms is { } kms && await aws.Keys.DescribeAsync(kms.KeyId, ct).ConfigureAwait(false) is { KeyManager: KmsKeyManager.Customer } key)
        {
            keys.Add(key.Arn);
        }

        if (await BucketKeyCheck.FindForCleanupAsync(aws, policy, ct).ConfigureAwait(false) is { } bucketKeyArn)
        {
            keys.Add(bucketKeyArn);
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
                .Where(g => ResourceNames.IsOwnedGrant(g.Name, policy.Name, policy.Spec, policy.RoleArn, policy.Uid))
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
