using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>KMS grants (S5): one named grant per grantee on a customer-managed key; created or retired, never updated.</summary>
public sealed partial class PolicyReconciler
{
    /// <summary>Operations each grant gives.</summary>
    public static IReadOnlyList<string> GrantOperations { get; } = ["Decrypt", "GenerateDataKey"];

    private static async Task SyncGrantsAsync(ReconcileContext ctx, CancellationToken ct)
    {
        const string type = ConditionTypes.KmsGrantsReady;
        var previous = ctx.Previous.Grants ?? [];
        var kms = ctx.Spec.Kms;
        if (kms is not null && ctx.Key is null)
        {
            ctx.Conditions.Set(type, false, "KeyNotReady", "Grants wait for the KMS key: see EncryptionReady.");
            ctx.Grants = previous;
            return;
        }

        var grantName = ResourceNames.Grant(ctx.Meta.Name, ctx.Spec);
        var kept = new List<GrantStatus>();
        var key = ctx.Key;
        // Grants this policy made on a key it no longer uses (or on any key when it needs none) go. Status is no proof of
        // ownership (anyone who may write the policy may write its status): such a grant is revoked only when that key
        // holds it under the policy's name.
        var stale = new List<GrantStatus>();
        foreach (var onOtherKey in previous
                     .Where(g => g.KeyArn is not null && (key is null || key.KeyManager == KmsKeyManager.Aws || g.KeyArn != key.Arn))
                     .GroupBy(g => g.KeyArn!))
        {
            IReadOnlyList<KmsGrant> held;
            try
            {
                held = await ctx.Aws.Grants.ListAsync(onOtherKey.Key, ct).ConfigureAwait(false);
            }
            catch (AwsFailure f) when (f.Kind is AwsFailureKind.NotFound or AwsFailureKind.AccessDenied)
            {
                // The key is gone, or no longer the operator's to read: nothing there to revoke.
                continue;
            }

            stale.AddRange(onOtherKey.Where(g => held.Any(h => h.GrantId == g.GrantId && ResourceNames.IsOwnedGrant(h.Name, ctx.Meta.Name, ctx.Spec, ctx.Meta.Uid))));
        }

        string readyReason;
        string readyMessage;
        var failed = false;

        if (kms is null || key is null)
        {
            readyReason = "NotConfigured";
            readyMessage = "spec.kms is not set: no grants are needed.";
        }
        else if (key.KeyManager == KmsKeyManager.Aws)
        {
            readyReason = "AwsManagedKeyNeedsNoGrants";
            readyMessage = $"Key {key.Arn} is AWS-managed: instance roles may use it without grants, so none is created"
                           + (kms.Grantees is { Count: > 0 } ? "; spec.kms.grantees is ignored." : ".");
        }
        else
        {
            var grantees = kms.Grantees ?? [];
            var onKey = previous.Where(g => g.KeyArn is null || g.KeyArn == key.Arn).ToList();
            IReadOnlyList<KmsGrant> existing = [];
            if (grantees.Count > 0 || onKey.Count > 0)
            {
                try
                {
                    existing = await ctx.Aws.Grants.ListAsync(key.Arn, ct).ConfigureAwait(false);
                }
                catch (AwsFailure f)
                {
                    ctx.Failed(type, f, $"Listing grants of key {key.Arn} (kms:ListGrants)");
                    ctx.Grants = previous;
                    return;
                }
            }

            // A grant under an earlier release's name is the policy's too: it is replaced (created anew, then revoked), so
            // every grant ends up under the name `plan -f` computes.
            var ours = existing.Where(g => ResourceNames.IsOwnedGrant(g.Name, ctx.Meta.Name, ctx.Spec, ctx.Meta.Uid)).ToList();
            var current = ours.Where(g => g.Name == grantName).ToList();
            var matched = new HashSet<string>(StringComparer.Ordinal);
            var toCreate = new List<string>();
            foreach (var grantee in grantees)
            {
                var match = current.FirstOrDefault(g => !matched.Contains(g.GrantId) && g.GranteePrincipal == grantee && GrantOperations.All(g.Operations.Contains));
                if (match is null)
                {
                    toCreate.Add(grantee);
                }
                else
                {
                    matched.Add(match.GrantId);
                    kept.Add(new GrantStatus { Grantee = grantee, GrantId = match.GrantId, KeyArn = key.Arn });
                }
            }

            stale.AddRange(ours.Where(g => !matched.Contains(g.GrantId))
                .Select(g => new GrantStatus { Grantee = g.GranteePrincipal, GrantId = g.GrantId, KeyArn = key.Arn }));
            foreach (var grantee in toCreate)
            {
                ctx.Plan("kms", ChangeAction.Create, $"kms.grants[{grantee}]", null, $"{grantName} on {key.Arn}: {string.Join(",", GrantOperations)}");
                ctx.Drift.Add($"kms.grants[{grantee}]");
                if (!ctx.Write)
                {
                    continue;
                }

                try
                {
                    var id = await ctx.WriteAsync(() => ctx.Aws.Grants.CreateAsync(key.Arn, grantee, GrantOperations, grantName, ct)).ConfigureAwait(false);
                    kept.Add(new GrantStatus { Grantee = grantee, GrantId = id, KeyArn = key.Arn });
                    ctx.Events.Add(PolicyEvent.Normal("GrantCreated", $"Created KMS grant {grantName} on {key.Arn} for {grantee} (Decrypt, GenerateDataKey)."));
                }
                catch (AwsFailure f)
                {
                    ctx.Failed(type, f, $"Creating a grant on {key.Arn} for {grantee} (kms:CreateGrant)");
                    failed = true;
                }
            }

            readyReason = "GrantsReady";
            readyMessage = grantees.Count == 0
                ? $"No grantees: no grants on {key.Arn}."
                : $"{grantees.Count} grantee(s) can use key {key.Arn} through grant {grantName}.";
            if (!ctx.Write && toCreate.Count > 0)
            {
                readyReason = "DriftDetected";
                readyMessage = $"Missing grants on {key.Arn} for: {string.Join(", ", toCreate)}. {ctx.NotApplied}";
            }
        }

        foreach (var grant in stale)
        {
            ctx.Plan("kms", ChangeAction.Delete, $"kms.grants[{grant.Grantee}]", $"{grant.GrantId} on {grant.KeyArn}", null);
            ctx.Drift.Add($"kms.grants[{grant.Grantee}]");
            if (!ctx.Write || grant.KeyArn is null)
            {
                if (!ctx.Write)
                {
                    kept.Add(grant);
                }

                continue;
            }

            try
            {
                await ctx.WriteAsync(() => ctx.Aws.Grants.RetireAsync(grant.KeyArn, grant.GrantId, ct)).ConfigureAwait(false);
                ctx.Events.Add(PolicyEvent.Normal("GrantRetired", $"Retired KMS grant {grant.GrantId} on {grant.KeyArn} for {grant.Grantee}."));
            }
            catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
            {
                // Already gone: the goal is reached.
            }
            catch (AwsFailure f)
            {
                ctx.Failed(type, f, $"Retiring grant {grant.GrantId} on {grant.KeyArn} (kms:RevokeGrant)");
                kept.Add(grant);
                failed = true;
            }
        }

        ctx.Grants = kept;
        if (!failed)
        {
            var observedDrift = !ctx.Write && stale.Count > 0;
            ctx.Conditions.Set(type, !observedDrift && readyReason != "DriftDetected",
                observedDrift ? "DriftDetected" : readyReason,
                observedDrift ? $"{stale.Count} grant(s) this policy made are no longer wanted. {ctx.NotApplied}" : readyMessage);
        }
    }
}
