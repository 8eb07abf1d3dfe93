using System.Text.Json.Nodes;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>The preferences document (S1-S5, S12): create or adopt, compare content field by field, update $LATEST, promote.
/// PreferencesSynced is True only when the default version's content is known to equal the desired content: read back,
/// or known from the answer of the write that made it the default.</summary>
public sealed partial class PolicyReconciler
{
    /// <summary>Out-of-band changes corrected in a row (same generation) before the operator stops fighting the other writer.</summary>
    public const int MaxDriftCorrections = 3;

    /// <summary>Versions read back at most when looking for the one that holds some content.</summary>
    public const int MaxVersionsRead = 100;

    /// <summary>Versions the operator deletes at once when the document is at SSM's version limit.</summary>
    public const int VersionsPrunedAtLimit = 10;

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

        var customName = name == SessionLoggingPolicySpec.DefaultDocumentName
            ? ""
            : $" Note: the console and `aws ssm start-session` without --document-name use only {SessionLoggingPolicySpec.DefaultDocumentName}; {name} applies only to sessions that name it.";
        if (snapshot is not null && snapshot.DocumentType != "Session")
        {
            var message = $"Document {name} is a {snapshot.DocumentType} document, not a Session document: it cannot hold Session Manager preferences and the operator never changes it. Set spec.documentName to a Session document (normally {SessionLoggingPolicySpec.DefaultDocumentName}).";
            ctx.Conditions.Set(type, false, "NotASessionDocument", message);
            ctx.StalledBecause.Add($"{type}: document {name} is not a Session document");
            ctx.Events.Add(PolicyEvent.Warning("NotASessionDocument", message));
            ctx.Document = previous;
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
            // The default as first seen is what deletion restores: recorded at adoption, so a later out-of-band edit the
            // operator corrects is never taken for it.
            VersionBeforePolicy = previous?.VersionBeforePolicy ?? snapshot?.DefaultVersion,
        };

        var content = PreferencesContent.Serialize(desired);
        var versionName = ResourceNames.DocumentVersion(ctx.Meta.Name, content);
        if (snapshot is null)
        {
            ctx.Plan("document", ChangeAction.Create, $"document[{name}]", null, content);
            if (!ctx.Write)
            {
                ctx.Conditions.Set(type, false, "DocumentNotFound", $"Document {name} does not exist. {ctx.NotApplied}{customName}");
                return;
            }

            try
            {
                var version = await ctx.WriteAsync(() => ctx.Aws.Documents.CreateAsync(name, content, versionName, ct)).ConfigureAwait(false);
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

            // Known from the write's answer: version 1 holds exactly this content and a new document's default is version 1.
            SyncedOrHeld(ctx, $"Document {name} was created with the policy's preferences (version {ctx.Document.CurrentVersion}).", customName);
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
            // Read back: the default version's content equals the desired content.
            SyncedOrHeld(ctx, $"Document {name} version {snapshot.DefaultVersion} (default) has the policy's preferences.", customName);
            return;
        }

        var described = Describe(changes);
        // An out-of-band change: the default moved away from the version this policy made default, with no spec change.
        // Once the guard has tripped it holds at this generation until the document matches again (the other writer's
        // version is then the default, so "moved away" alone would not see the next flip).
        var sameGeneration = ctx.Previous.ObservedGeneration == ctx.Meta.Generation;
        var tripped = sameGeneration && previous?.DriftCorrections > MaxDriftCorrections;
        var outOfBand = sameGeneration && previous?.CurrentVersion is { } mine && mine != snapshot.DefaultVersion;
        var corrections = !ctx.Write ? 0 : tripped ? previous!.DriftCorrections!.Value : outOfBand ? (previous?.DriftCorrections ?? 0) + 1 : 0;
        ctx.Document = ctx.Document with { DriftCorrections = corrections == 0 ? null : corrections };
        if (!ctx.Write)
        {
            var message = $"Document {name} version {snapshot.DefaultVersion} (default) differs from the policy in {changes.Count} field(s): {described}. {ctx.NotApplied}{customName}";
            ctx.Conditions.Set(type, false, "DriftDetected", message);
            ctx.Events.Add(PolicyEvent.Warning("DriftDetected", message));
            return;
        }

        if (corrections > MaxDriftCorrections)
        {
            var message = $"Another writer changes document {name} back after each correction: {described}; corrected {MaxDriftCorrections} times in a row at this generation, last default version {snapshot.DefaultVersion}. "
                          + "The operator stopped correcting it so as not to add a version every drift interval. Find the other writer (CloudFormation, Terraform, the console, another operator) and stop it, or make the policy agree with it; any spec change resumes correction, and so does the document matching the policy again.";
            ctx.Conditions.Set(type, false, "ConflictingWriter", message);
            ctx.StalledBecause.Add($"{type}: another writer keeps changing document {name}");
            if (!tripped)
            {
                ctx.Events.Add(PolicyEvent.Warning("ConflictingWriter", message));
            }

            return;
        }

        try
        {
            var version = await UpdateOrPruneAsync(ctx, name, content, versionName, ctx.Document.VersionBeforePolicy, ct).ConfigureAwait(false);
            string how;
            if (version is not null)
            {
                how = $"Updated document {name} to version {version} (default; was {snapshot.DefaultVersion})";
            }
            else
            {
                // DuplicateDocumentContent: SSM refuses content equal to ANY existing version, so the desired content is
                // already stored; find that version (read back and compared) and promote it.
                version = await ExistingVersionWithAsync(ctx, name, snapshot.DefaultVersion, desired, versionName, ct).ConfigureAwait(false);
                if (version is null)
                {
                    var message = $"SSM answered DuplicateDocumentContent for document {name}, but no version read back holds the policy's content; the default stays version {snapshot.DefaultVersion}, which differs in {described}. The operator retries.";
                    ctx.Conditions.Set(type, false, "DuplicateVersionNotFound", message);
                    ctx.Transient = true;
                    return;
                }

                how = $"Promoted existing version {version} of document {name} to default (was {snapshot.DefaultVersion}): it already holds the policy's content, and SSM refuses to store a duplicate of any version";
            }

            await ctx.WriteAsync(() => ctx.Aws.Documents.SetDefaultVersionAsync(name, version, ct)).ConfigureAwait(false);
            ctx.Document = ctx.Document with
            {
                CurrentVersion = version,
                VersionBeforePolicy = ctx.Document.VersionBeforePolicy ?? snapshot.DefaultVersion,
            };
            ctx.Events.Add(PolicyEvent.Normal(outOfBand ? "DriftCorrected" : "DocumentUpdated", $"{how}: {described}."));
            // Known from the write's answer: the version made default holds exactly the desired content.
            SyncedOrHeld(ctx, $"Document {name} version {version} (default) has the policy's preferences; changed: {described}.", customName);
        }
        catch (AwsFailure f) when (f.Code == "DocumentVersionLimitExceeded")
        {
            var message = $"Document {name} is at SSM's limit of versions and holds no older version this operator wrote that could be deleted to make room. Delete old versions by hand (aws ssm delete-document --name {name} --document-version N) and the operator retries.";
            ctx.Conditions.Set(type, false, "DocumentVersionLimit", message);
            ctx.StalledBecause.Add($"{type}: document {name} is at the version limit");
            ctx.Events.Add(PolicyEvent.Warning("DocumentVersionLimit", message));
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Updating document {name} (ssm:UpdateDocument, ssm:ListDocumentVersions, ssm:GetDocument, ssm:DeleteDocument, ssm:UpdateDocumentDefaultVersion)");
        }
    }

    /// <summary>UpdateDocument; at the version limit, deletes the oldest non-default versions this policy wrote and tries once more.</summary>
    private static async Task<string?> UpdateOrPruneAsync(ReconcileContext ctx, string name, string content, string versionName, string? keep, CancellationToken ct)
    {
        try
        {
            return await UpdateNamedAsync(ctx, name, content, versionName, ct).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (f.Code == "DocumentVersionLimitExceeded")
        {
            var versions = await ctx.Aws.Documents.ListVersionsAsync(name, ct).ConfigureAwait(false);
            var latest = versions.Count == 0 ? null : versions[0].Version;
            // Oldest first; never the default, never $LATEST, never the version deletion restores, never a version
            // someone else wrote.
            var prunable = versions
                .Where(v => !v.IsDefault && v.Version != latest && v.Version != keep && ResourceNames.IsOwnedDocumentVersion(v.VersionName, ctx.Meta.Name))
                .Reverse()
                .Take(VersionsPrunedAtLimit)
                .ToList();
            if (prunable.Count == 0)
            {
                throw;
            }

            foreach (var v in prunable)
            {
                await ctx.WriteAsync(() => ctx.Aws.Documents.DeleteVersionAsync(name, v.Version, ct)).ConfigureAwait(false);
            }

            ctx.Events.Add(PolicyEvent.Normal("DocumentVersionsPruned",
                $"Document {name} was at SSM's version limit: deleted {prunable.Count} old version(s) this operator wrote ({string.Join(", ", prunable.Select(v => v.Version))})."));
            return await UpdateNamedAsync(ctx, name, content, versionName, ct).ConfigureAwait(false);
        }
    }

    /// <summary>UpdateDocument under the content's version name; when another version already carries that name (SSM may
    /// keep the names of deleted versions, or someone reused it), once more under a unique variant of it.</summary>
    private static async Task<string?> UpdateNamedAsync(ReconcileContext ctx, string name, string content, string versionName, CancellationToken ct)
    {
        try
        {
            return await ctx.WriteAsync(() => ctx.Aws.Documents.UpdateAsync(name, content, versionName, ct)).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (f.Code == "DuplicateDocumentVersionName")
        {
            var unique = versionName + "-" + ResourceNames.Hash(ctx.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture), 8);
            return await ctx.WriteAsync(() => ctx.Aws.Documents.UpdateAsync(name, content, unique, ct)).ConfigureAwait(false);
        }
    }

    /// <summary>The version (other than the default) whose content equals <paramref name="desired"/>: the one this policy
    /// named for that content first, then every other newest first; null when none does.</summary>
    private static async Task<string?> ExistingVersionWithAsync(
        ReconcileContext ctx, string name, string defaultVersion, JsonObject desired, string versionName, CancellationToken ct)
    {
        var versions = await ctx.Aws.Documents.ListVersionsAsync(name, ct).ConfigureAwait(false);
        // The version named for this content first; versions this policy named for other content cannot hold it.
        var ordered = versions.Where(v => v.VersionName is { } n && n.StartsWith(versionName, StringComparison.Ordinal))
            .Concat(versions.Where(v => !ResourceNames.IsOwnedDocumentVersion(v.VersionName, ctx.Meta.Name)));
        var reads = 0;
        foreach (var candidate in ordered)
        {
            if (candidate.Version == defaultVersion)
            {
                continue;
            }

            if (++reads > MaxVersionsRead)
            {
                break;
            }

            // Compared parsed, never as text: SSM may store the content it was given with other whitespace.
            var content = PreferencesContent.Parse(await ctx.Aws.Documents.GetVersionContentAsync(name, candidate.Version, ct).ConfigureAwait(false));
            if (content is not null && JsonFieldDiff.Compare(desired, content).Count == 0)
            {
                return candidate.Version;
            }
        }

        return null;
    }

    /// <summary>"inputs.s3KeyPrefix: "b/" -> "a/", ..." (at most five fields, then a count).</summary>
    internal static string Describe(IReadOnlyList<FieldChange> changes) => Listed(changes.Select(c => c.ToString()).ToList(), ", ");

    /// <summary>At most five items joined, then "and N more": messages stay readable however much differs.</summary>
    internal static string Listed(IReadOnlyList<string> items, string separator)
    {
        const int shown = 5;
        var text = string.Join(separator, items.Take(shown));
        return items.Count > shown ? $"{text} and {items.Count - shown} more" : text;
    }

    private static void SyncedOrHeld(ReconcileContext ctx, string message, string customName)
    {
        if (ctx.Held.Count == 0)
        {
            ctx.Conditions.Set(ConditionTypes.PreferencesSynced, true, "DocumentSynced", message + customName);
            return;
        }

        // Not True: the held settings differ from the spec by design until their prerequisites pass.
        var held = string.Join(", ", ctx.Held.Order());
        var see = string.Join(", ", ctx.Held.Order().Select(HeldCondition).Distinct());
        ctx.Conditions.Set(ConditionTypes.PreferencesSynced, false, "PrerequisitesNotMet",
            $"The {held} settings are held at their current values in document {ctx.Spec.DocumentName} until their prerequisites pass (see {see}); the other settings are the policy's.{customName}");
    }

    private static string HeldCondition(SettingGroup group) => group switch
    {
        SettingGroup.S3 => ConditionTypes.S3Ready,
        SettingGroup.CloudWatch => ConditionTypes.CloudWatchReady,
        _ => ConditionTypes.EncryptionReady,
    };
}
