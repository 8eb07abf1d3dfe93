using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>Deletion: Retain keeps AWS as it is; Delete removes what the policy created and restores the document's earlier default.</summary>
public sealed partial class PolicyReconciler
{
    private static async Task<ReconcileResult> DeleteAsync(ReconcileContext ctx, CancellationToken ct)
    {
        var status = ctx.Previous with { ObservedGeneration = ctx.Meta.Generation };
        if (ctx.Spec.DeletionPolicy == DeletionPolicy.Retain || ctx.Spec.Mode == PolicyMode.Observe)
        {
            var why = ctx.Spec.DeletionPolicy == DeletionPolicy.Retain
                ? "deletionPolicy is Retain: the document, rule, targets and grants stay in AWS."
                : "Observe mode never changed AWS, so deletion changes nothing.";
            var released = ctx.Write || ctx.Spec.Mode == PolicyMode.Observe;
            return new ReconcileResult(status, [PolicyEvent.Normal("Retained", why)], released ? PolicyOutcome.Deleted : PolicyOutcome.Reconciled, Retry.None, new Plan([], [why]), 0);
        }

        var done = true;
        string? failure = null;
        try
        {
            await RemoveRuleAsync(ctx, ResourceNames.Rule(ctx.Meta.Name), ct).ConfigureAwait(false);
            status = status with { RuleArn = null };

            // The keys to look at: the spec's and those status names; what is revoked is what a key holds under the
            // policy's name (status alone is no proof of ownership).
            var keys = (ctx.Previous.Grants ?? []).Select(g => g.KeyArn).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (ctx.Spec.Kms is { } kms && await ctx.Aws.Keys.DescribeAsync(kms.KeyId, ct).ConfigureAwait(false) is { KeyManager: KmsKeyManager.Customer } key)
            {
                keys.Add(key.Arn);
            }

            var grants = new List<GrantStatus>();
            foreach (var keyArn in keys.Order(StringComparer.Ordinal))
            {
                IReadOnlyList<KmsGrant> held;
                try
                {
                    held = await ctx.Aws.Grants.ListAsync(keyArn, ct).ConfigureAwait(false);
                }
                catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
                {
                    continue;
                }

                grants.AddRange(held
                    .Where(g => ResourceNames.IsOwnedGrant(g.Name, ctx.Meta.Name, ctx.Spec, ctx.Meta.Uid))
                    .Select(g => new GrantStatus { Grantee = g.GranteePrincipal, GrantId = g.GrantId, KeyArn = keyArn }));
            }

            foreach (var g in grants.Where(g => g.KeyArn is not null))
            {
                ctx.Plan("kms", ChangeAction.Delete, $"kms.grants[{g.Grantee}]", $"{g.GrantId} on {g.KeyArn}", null);
                if (ctx.Write)
                {
                    try
                    {
                        await ctx.WriteAsync(() => ctx.Aws.Grants.RetireAsync(g.KeyArn!, g.GrantId, ct)).ConfigureAwait(false);
                        ctx.Events.Add(PolicyEvent.Normal("GrantRetired", $"Retired KMS grant {g.GrantId} on {g.KeyArn} for {g.Grantee}."));
                    }
                    catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
                    {
                        // Already gone.
                    }
                }
            }

            status = status with { Grants = null };

            // Only the spec's own document, and only a Session document: status could name any other.
            if (ctx.Previous.Document is { VersionBeforePolicy: { Length: > 0 } before, Name: var docName }
                && docName == ctx.Spec.DocumentName
                && await ctx.Aws.Documents.GetAsync(docName, ct).ConfigureAwait(false) is { DocumentType: "Session" } snapshot
                && snapshot.DefaultVersion != before)
            {
                ctx.Plan("document", ChangeAction.Update, "document.defaultVersion", snapshot.DefaultVersion, before);
                if (ctx.Write)
                {
                    try
                    {
                        await ctx.WriteAsync(() => ctx.Aws.Documents.SetDefaultVersionAsync(docName, before, ct)).ConfigureAwait(false);
                        ctx.Events.Add(PolicyEvent.Normal("DocumentRestored", $"Restored version {before} of document {docName} as default (was {snapshot.DefaultVersion})."));
                    }
                    catch (AwsFailure f) when (f.Code == "InvalidDocumentVersion")
                    {
                        // Deleted by someone since: there is nothing to restore, and deletion must not wait for it forever.
                        var note = $"Version {before} of document {docName} no longer exists, so the default stays version {snapshot.DefaultVersion}.";
                        ctx.Notes.Add(note);
                        ctx.Events.Add(PolicyEvent.Warning("DocumentNotRestored", note));
                    }
                }
            }
            else if (ctx.Previous.Document is { VersionBeforePolicy: null or "" } d)
            {
                ctx.Notes.Add($"Document {d.Name} is kept: this policy created it or never changed it, so there is no earlier version to restore.");
            }
        }
        catch (AwsFailure f)
        {
            done = false;
            failure = $"cleanup for deletion failed: {f.Code ?? f.Kind.ToString()}";
            ctx.Failed(ConditionTypes.Ready, f, "Cleaning up AWS for deletion");
            ctx.Conditions.Set(ConditionTypes.Reconciling, f.IsTransient, f.IsTransient ? "Retrying" : "CleanupBlocked", "Deletion waits for the cleanup to succeed.");
            status = status with { Conditions = ctx.Conditions.ToList() };
        }

        // Not done: the runtime's backoff paces the retries (a permission fixed later is picked up within its maximum delay).
        return new ReconcileResult(status, ctx.Events, done && ctx.Write ? PolicyOutcome.Deleted : PolicyOutcome.Reconciled,
            done ? Retry.None : Retry.Backoff(failure!), new Plan(ctx.Changes, ctx.Notes), ctx.Writes);
    }
}
