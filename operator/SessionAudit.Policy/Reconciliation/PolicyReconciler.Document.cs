using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>The preferences document (S1-S5, S12): create or adopt, compare content field by field, update $LATEST, promote.</summary>
public sealed partial class PolicyReconciler
{
    private static async Task SyncDocumentAsync(ReconcileContext ctx, CancellationToken ct)
    {
        const string type = ConditionTypes.PreferencesSynced;
        var name = ctx.Spec.DocumentName;
        var previous = ctx.Previous.Document is { } pd && pd.Name == name ? pd : null;
        DocumentSnapshot? snapshot;
        try
        {
            snapshot = await ctx.Aws.Documents.GetAsync(name, ct).ConfigureAwait(false);
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Reading document {name} (ssm:GetDocument)");
            return;
        }

        var current = PreferencesContent.Parse(snapshot?.Content);
        var full = PreferencesContent.Desired(ctx.Spec, current);
        var desired = PreferencesContent.Desired(ctx.Spec, current, ctx.Held);
        ctx.Drift.AddRange(JsonFieldDiff.Compare(full, current).Select(c => "document." + c.Path));
        var changes = snapshot is null ? [] : JsonFieldDiff.Compare(desired, current);
        ctx.Document = new DocumentStatus
        {
            Name = name,
            CurrentVersion = snapshot?.DefaultVersion,
            VersionBeforePolicy = previous?.VersionBeforePolicy,
        };

        var heldNote = ctx.Held.Count == 0 ? "" : $" The {string.Join(", ", ctx.Held.Order())} settings are held at their current values until their prerequisites pass (see the conditions that are not True).";
        if (snapshot is null)
        {
            ctx.Plan("document", ChangeAction.Create, $"document[{name}]", null, PreferencesContent.Serialize(desired));
            if (!ctx.Write)
            {
                ctx.Conditions.Set(type, false, "DocumentNotFound", $"Document {name} does not exist; Enforce mode would create it.");
                return;
            }

            try
            {
                var version = await ctx.WriteAsync(() => ctx.Aws.Documents.CreateAsync(name, PreferencesContent.Serialize(desired), ct)).ConfigureAwait(false);
                // "" records that this policy created the document: there is no earlier version to restore, and a later
                // out-of-band edit must not be taken for one.
                ctx.Document = ctx.Document with { CurrentVersion = version, VersionBeforePolicy = "" };
                ctx.Events.Add(PolicyEvent.Normal("DocumentCreated", $"Created Session document {name} (version {version})."));
            }
            catch (AwsFailure f)
            {
                ctx.Failed(type, f, $"Creating document {name} (ssm:CreateDocument)");
                return;
            }

            SyncedOrHeld(ctx, $"Document {name} was created with the policy's preferences.", heldNote);
            return;
        }

        if (current is null)
        {
            ctx.Notes.Add($"Document {name} holds content that is not a JSON object; it is replaced.");
        }

        foreach (var change in changes)
        {
            ctx.Plan("document", change.Current is null ? ChangeAction.Create : change.Desired is null ? ChangeAction.Delete : ChangeAction.Update,
                "document." + change.Path, change.Current?.ToJsonString(), change.Desired?.ToJsonString());
        }

        if (changes.Count == 0)
        {
            SyncedOrHeld(ctx, $"Document {name} version {snapshot.DefaultVersion} (default) matches the policy.", heldNote);
            return;
        }

        var paths = string.Join(", ", changes.Select(c => c.Path));
        if (!ctx.Write)
        {
            var message = $"Document {name} version {snapshot.DefaultVersion} differs from the policy in {changes.Count} field(s): {paths}. Observe mode changes nothing.";
            ctx.Conditions.Set(type, false, "DriftDetected", message);
            ctx.Events.Add(PolicyEvent.Warning("DriftDetected", message));
            return;
        }

        try
        {
            var version = await ctx.WriteAsync(() => ctx.Aws.Documents.UpdateAsync(name, PreferencesContent.Serialize(desired), ct)).ConfigureAwait(false);
            // DuplicateDocumentContent: an existing version already holds this content (SSM refuses to repeat any
            // version), so only the default needs to move: to $LATEST, or back to the version this policy made last
            // (an out-of-band edit that is reverted to what the operator wrote before).
            version ??= await ExistingVersionWithAsync(ctx, snapshot, previous, desired, ct).ConfigureAwait(false);
            if (version is null)
            {
                ctx.Notes.Add($"AWS reports document {name} already holds this content; nothing to promote.");
            }
            else
            {
                await ctx.WriteAsync(() => ctx.Aws.Documents.SetDefaultVersionAsync(name, version, ct)).ConfigureAwait(false);
                ctx.Document = ctx.Document with
                {
                    CurrentVersion = version,
                    VersionBeforePolicy = ctx.Document.VersionBeforePolicy ?? snapshot.DefaultVersion,
                };
                ctx.Events.Add(PolicyEvent.Normal("DocumentUpdated", $"Updated document {name} to version {version} (default; was {snapshot.DefaultVersion}): {paths}."));
            }
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Updating document {name} (ssm:UpdateDocument, ssm:UpdateDocumentDefaultVersion)");
            return;
        }

        SyncedOrHeld(ctx, $"Document {name} was updated: {paths}.", heldNote);
    }

    private static async Task<string?> ExistingVersionWithAsync(
        ReconcileContext ctx, DocumentSnapshot snapshot, DocumentStatus? previous, System.Text.Json.Nodes.JsonObject desired, CancellationToken ct)
    {
        // $LATEST is read only here, after AWS refused a duplicate: a no-op never needs it. An out-of-band UpdateDocument
        // that left $LATEST ahead of the default changes nothing before that, since the default is what is compared.
        var latest = snapshot.LatestVersion ?? await ctx.Aws.Documents.GetLatestVersionAsync(snapshot.Name, ct).ConfigureAwait(false);
        foreach (var candidate in new[] { latest, previous?.CurrentVersion }.Distinct())
        {
            if (candidate is null || candidate == snapshot.DefaultVersion)
            {
                continue;
            }

            var content = PreferencesContent.Parse(await ctx.Aws.Documents.GetVersionContentAsync(snapshot.Name, candidate, ct).ConfigureAwait(false));
            if (JsonFieldDiff.Compare(desired, content).Count == 0)
            {
                return candidate;
            }
        }

        return null;
    }

    private static void SyncedOrHeld(ReconcileContext ctx, string message, string heldNote)
    {
        if (ctx.Held.Count == 0)
        {
            ctx.Conditions.Set(ConditionTypes.PreferencesSynced, true, "DocumentSynced", message);
        }
        else
        {
            ctx.Conditions.Set(ConditionTypes.PreferencesSynced, false, "PrerequisitesNotMet", message + heldNote);
        }
    }
}
