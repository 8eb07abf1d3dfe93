using System.Globalization;
using System.Text.Json.Nodes;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>What the preferences document concern would write.</summary>
/// <param name="Create">True: the document does not exist (CreateDocument); false: update $LATEST and promote.</param>
/// <param name="Content">The desired content, serialized.</param>
/// <param name="Desired">The desired content, parsed (compared with versions read back).</param>
/// <param name="VersionName">The version name the content is written under (the ownership marker).</param>
/// <param name="DefaultVersion">The default version as observed; null when the document does not exist.</param>
/// <param name="Described">The field changes, as messages print them.</param>
/// <param name="OutOfBand">The default moved away from the version this policy made default, with no spec change.</param>
/// <param name="Corrections">Out-of-band changes corrected in a row at this generation, this one included.</param>
/// <param name="Tripped">The conflicting-writer guard had already tripped at this generation.</param>
internal sealed record DocumentWrite(
    bool Create, string Content, JsonObject Desired, string VersionName, string? DefaultVersion,
    string Described, bool OutOfBand, int Corrections, bool Tripped);

/// <summary>The document concern's plan: the verdict and status when nothing is written, and the write, if any.</summary>
/// <param name="Report">Plan, drift and notes, with the verdict that holds when <paramref name="Write"/> is not applied.</param>
/// <param name="Status">The status when not applied; null keeps the previous one.</param>
/// <param name="Write">What Apply would write; null when nothing is to be written.</param>
internal sealed record DocumentDelta(ConcernReport Report, DocumentStatus? Status, DocumentWrite? Write);

/// <summary>What deleting the policy restores: the default version the document had before the policy changed it.</summary>
internal sealed record DocumentRestore(string Name, string Version, string CurrentDefault);

/// <summary>The preferences document (S1-S5, S12): create or adopt, compare content field by field, update $LATEST,
/// promote. PreferencesSynced is True only when the default version's content is known to equal the desired content:
/// read back, or known from the answer of the write that made it the default.</summary>
internal static class PreferencesDocument
{
    private const string Type = ConditionTypes.PreferencesSynced;

    /// <summary>Out-of-band changes corrected in a row (same generation) before the operator stops fighting the other writer.</summary>
    public const int MaxDriftCorrections = 3;

    /// <summary>Versions read back at most when looking for the one that holds some content.</summary>
    public const int MaxVersionsRead = 100;

    /// <summary>Versions the operator deletes at once when the document is at SSM's version limit.</summary>
    public const int VersionsPrunedAtLimit = 10;

    /// <summary>One read: the default version's content, number and type (GetDocument).</summary>
    public static Task<Observed<DocumentSnapshot>> ObserveAsync(IPreferencesDocumentPort documents, PolicyFacts policy, CancellationToken ct) =>
        Observed<DocumentSnapshot>.ReadAsync(() => documents.GetAsync(policy.Spec.DocumentName, ct));

    /// <summary>Compares the default version with the spec, keeping <paramref name="held"/> groups at their current values.</summary>
    public static DocumentDelta Diff(PolicyFacts policy, IReadOnlySet<SettingGroup> held, Observed<DocumentSnapshot> observed)
    {
        var report = new ConcernReport(Type);
        var name = policy.Spec.DocumentName;
        var previous = Previous(policy);
        if (observed.Failure is { } f)
        {
            report.Failed(f, $"Reading document {name} (ssm:GetDocument)", policy.RoleArn);
            return new DocumentDelta(report, null, null);
        }

        var snapshot = observed.Value;
        if (snapshot is not null && snapshot.DocumentType != "Session")
        {
            var message = $"Document {name} is a {snapshot.DocumentType} document, not a Session document: it cannot hold Session Manager preferences and the operator never changes it. Set spec.documentName to a Session document (normally {SessionLoggingPolicySpec.DefaultDocumentName}).";
            report.Set(false, "NotASessionDocument", message);
            report.Stalled.Add($"{Type}: document {name} is not a Session document");
            report.Warn("NotASessionDocument", message);
            return new DocumentDelta(report, previous, null);
        }

        var current = PreferencesContent.Parse(snapshot?.Content);
        var full = PreferencesContent.Desired(policy.Spec, current);
        var desired = PreferencesContent.Desired(policy.Spec, current, held);
        report.Drift.AddRange(JsonFieldDiff.Compare(full, current).Select(c => "document." + c.Path));
        var status = new DocumentStatus
        {
            Name = name,
            CurrentVersion = snapshot?.DefaultVersion,
            // The default as first seen is what deletion restores: recorded at adoption, so a later out-of-band edit the
            // operator corrects is never taken for it.
            VersionBeforePolicy = previous?.VersionBeforePolicy ?? snapshot?.DefaultVersion,
        };
        var content = PreferencesContent.Serialize(desired);
        var versionName = ResourceNames.DocumentVersion(policy.Name, content);
        if (snapshot is null)
        {
            report.Plan("document", ChangeAction.Create, $"document[{name}]", null, content);
            report.Set(false, "DocumentNotFound", $"Document {name} does not exist. {policy.NotApplied}{CustomName(name)}");
            return new DocumentDelta(report, status, new DocumentWrite(true, content, desired, versionName, null, "", false, 0, false));
        }

        if (current is null)
        {
            report.Notes.Add($"Document {name} holds content that is not a JSON object; it is replaced.");
        }

        var changes = JsonFieldDiff.Compare(desired, current);
        foreach (var change in changes)
        {
            report.Plan("document", change.Current is null ? ChangeAction.Create : change.Desired is null ? ChangeAction.Delete : ChangeAction.Update,
                "document." + change.Path, change.Current?.ToJsonString(), change.Desired?.ToJsonString());
        }

        if (changes.Count == 0)
        {
            // Read back: the default version's content equals the desired content.
            SyncedOrHeld(report, policy, held, $"Document {name} version {snapshot.DefaultVersion} (default) has the policy's preferences.");
            return new DocumentDelta(report, status, null);
        }

        var described = Describe(changes);
        // An out-of-band change: the default moved away from the version this policy made default, with no spec change.
        // Once the guard has tripped it holds at this generation until the document matches again (the other writer's
        // version is then the default, so "moved away" alone would not see the next flip).
        var tripped = policy.SameGeneration && previous?.DriftCorrections > MaxDriftCorrections;
        var outOfBand = policy.SameGeneration && previous?.CurrentVersion is { } mine && mine != snapshot.DefaultVersion;
        var corrections = tripped ? previous!.DriftCorrections!.Value : outOfBand ? (previous?.DriftCorrections ?? 0) + 1 : 0;
        var drift = $"Document {name} version {snapshot.DefaultVersion} (default) differs from the policy in {changes.Count} field(s): {described}. {policy.NotApplied}{CustomName(name)}";
        report.Set(false, "DriftDetected", drift);
        report.Warn("DriftDetected", drift);
        return new DocumentDelta(report, status,
            new DocumentWrite(false, content, desired, versionName, snapshot.DefaultVersion, described, outOfBand, corrections, tripped));
    }

    /// <summary>Applies <paramref name="delta"/>'s write: the only place the document is changed (Enforce only).</summary>
    public static async Task<(ConcernReport Report, DocumentStatus Status)> ApplyAsync(
        IPreferencesDocumentPort documents, PolicyFacts policy, IReadOnlySet<SettingGroup> held, DocumentDelta delta, CancellationToken ct)
    {
        var write = delta.Write ?? throw new ArgumentException("nothing to write", nameof(delta));
        var status = delta.Status!;
        var report = delta.Report.CarryPlan();
        var name = policy.Spec.DocumentName;
        if (write.Create)
        {
            try
            {
                var version = await report.WriteAsync(() => documents.CreateAsync(name, write.Content, write.VersionName, ct)).ConfigureAwait(false);
                // "" records that this policy created the document: there is no earlier version to restore, and a later
                // out-of-band edit must not be taken for one.
                status = status with { CurrentVersion = version, VersionBeforePolicy = "" };
                report.Normal("DocumentCreated", $"Created Session document {name} (version {version}).");
            }
            catch (AwsFailure f)
            {
                report.Failed(f, $"Creating document {name} (ssm:CreateDocument)", policy.RoleArn);
                return (report, status);
            }

            // Known from the write's answer: version 1 holds exactly this content and a new document's default is version 1.
            SyncedOrHeld(report, policy, held, $"Document {name} was created with the policy's preferences (version {status.CurrentVersion}).");
            return (report, status);
        }

        var defaultVersion = write.DefaultVersion!;
        status = status with { DriftCorrections = write.Corrections == 0 ? null : write.Corrections };
        if (write.Corrections > MaxDriftCorrections)
        {
            var message = $"Another writer changes document {name} back after each correction: {write.Described}; corrected {MaxDriftCorrections} times in a row at this generation, last default version {defaultVersion}. "
                          + "The operator stopped correcting it so as not to add a version every drift interval. Find the other writer (CloudFormation, Terraform, the console, another operator) and stop it, or make the policy agree with it; any spec change resumes correction, and so does the document matching the policy again.";
            report.Set(false, "ConflictingWriter", message);
            report.Stalled.Add($"{Type}: another writer keeps changing document {name}");
            if (!write.Tripped)
            {
                report.Warn("ConflictingWriter", message);
            }

            return (report, status);
        }

        try
        {
            var version = await UpdateOrPruneAsync(documents, policy, report, write, status.VersionBeforePolicy, ct).ConfigureAwait(false);
            string how;
            if (version is not null)
            {
                how = $"Updated document {name} to version {version} (default; was {defaultVersion})";
            }
            else
            {
                // DuplicateDocumentContent: SSM refuses content equal to ANY existing version, so the desired content is
                // already stored; find that version (read back and compared) and promote it.
                version = await ExistingVersionWithAsync(documents, policy, defaultVersion, write, ct).ConfigureAwait(false);
                if (version is null)
                {
                    report.Set(false, "DuplicateVersionNotFound", $"SSM answered DuplicateDocumentContent for document {name}, but no version read back holds the policy's content; the default stays version {defaultVersion}, which differs in {write.Described}. The operator retries.");
                    report.Transient = true;
                    return (report, status);
                }

                how = $"Promoted existing version {version} of document {name} to default (was {defaultVersion}): it already holds the policy's content, and SSM refuses to store a duplicate of any version";
            }

            await report.WriteAsync(() => documents.SetDefaultVersionAsync(name, version, ct)).ConfigureAwait(false);
            status = status with { CurrentVersion = version, VersionBeforePolicy = status.VersionBeforePolicy ?? defaultVersion };
            report.Normal(write.OutOfBand ? "DriftCorrected" : "DocumentUpdated", $"{how}: {write.Described}.");
            // Known from the write's answer: the version made default holds exactly the desired content.
            SyncedOrHeld(report, policy, held, $"Document {name} version {version} (default) has the policy's preferences; changed: {write.Described}.");
        }
        catch (AwsFailure f) when (f.Code == "DocumentVersionLimitExceeded")
        {
            var message = $"Document {name} is at SSM's limit of versions and holds no older version this operator wrote that could be deleted to make room. Delete old versions by hand (aws ssm delete-document --name {name} --document-version N) and the operator retries.";
            report.Set(false, "DocumentVersionLimit", message);
            report.Stalled.Add($"{Type}: document {name} is at the version limit");
            report.Warn("DocumentVersionLimit", message);
        }
        catch (AwsFailure f)
        {
            report.Failed(f, $"Updating document {name} (ssm:UpdateDocument, ssm:ListDocumentVersions, ssm:GetDocument, ssm:DeleteDocument, ssm:UpdateDocumentDefaultVersion)", policy.RoleArn);
        }

        return (report, status);
    }

    /// <summary>What deletion restores, read from AWS: only the spec's own document, only a Session document (status
    /// could name any other), only when its default moved. Reads only.</summary>
    public static async Task<DocumentRestore?> PlanCleanupAsync(IPreferencesDocumentPort documents, PolicyFacts policy, ConcernReport report, CancellationToken ct)
    {
        if (policy.Previous.Document is { VersionBeforePolicy: { Length: > 0 } before, Name: var name }
            && name == policy.Spec.DocumentName
            && await documents.GetAsync(name, ct).ConfigureAwait(false) is { DocumentType: "Session" } snapshot
            && snapshot.DefaultVersion != before)
        {
            report.Plan("document", ChangeAction.Update, "document.defaultVersion", snapshot.DefaultVersion, before);
            return new DocumentRestore(name, before, snapshot.DefaultVersion);
        }

        if (policy.Previous.Document is { VersionBeforePolicy: null or "" } d)
        {
            report.Notes.Add($"Document {d.Name} is kept: this policy created it or never changed it, so there is no earlier version to restore.");
        }

        return null;
    }

    /// <summary>Restores the default version deletion found (Enforce only).</summary>
    public static async Task CleanupAsync(IPreferencesDocumentPort documents, DocumentRestore restore, ConcernReport report, CancellationToken ct)
    {
        try
        {
            await report.WriteAsync(() => documents.SetDefaultVersionAsync(restore.Name, restore.Version, ct)).ConfigureAwait(false);
            report.Normal("DocumentRestored", $"Restored version {restore.Version} of document {restore.Name} as default (was {restore.CurrentDefault}).");
        }
        catch (AwsFailure f) when (f.Code == "InvalidDocumentVersion")
        {
            // Deleted by someone since: there is nothing to restore, and deletion must not wait for it forever.
            var note = $"Version {restore.Version} of document {restore.Name} no longer exists, so the default stays version {restore.CurrentDefault}.";
            report.Notes.Add(note);
            report.Warn("DocumentNotRestored", note);
        }
    }

    /// <summary>"inputs.s3KeyPrefix: "b/" -> "a/", ..." (at most five fields, then a count).</summary>
    internal static string Describe(IReadOnlyList<FieldChange> changes) => Listed(changes.Select(c => c.ToString()).ToList(), ", ");

    /// <summary>At most five items joined, then "and N more": messages stay readable however much differs.</summary>
    internal static string Listed(IReadOnlyList<string> items, string separator)
    {
        const int Shown = 5;
        var text = string.Join(separator, items.Take(Shown));
        return items.Count > Shown ? $"{text} and {items.Count - Shown} more" : text;
    }

    private static DocumentStatus? Previous(PolicyFacts policy) =>
        policy.Previous.Document is { } pd && pd.Name == policy.Spec.DocumentName ? pd : null;

    private static string CustomName(string name) => name == SessionLoggingPolicySpec.DefaultDocumentName
        ? ""
        : $" Note: the console and `aws ssm start-session` without --document-name use only {SessionLoggingPolicySpec.DefaultDocumentName}; {name} applies only to sessions that name it.";

    private static void SyncedOrHeld(ConcernReport report, PolicyFacts policy, IReadOnlySet<SettingGroup> held, string message)
    {
        var customName = CustomName(policy.Spec.DocumentName);
        if (held.Count == 0)
        {
            report.Set(true, "DocumentSynced", message + customName);
            return;
        }

        // Not True: the held settings differ from the spec by design until their prerequisites pass.
        var groups = string.Join(", ", held.Order());
        var see = string.Join(", ", held.Order().Select(HeldCondition).Distinct());
        report.Set(false, "PrerequisitesNotMet",
            $"The {groups} settings are held at their current values in document {policy.Spec.DocumentName} until their prerequisites pass (see {see}); the other settings are the policy's.{customName}");
    }

    private static string HeldCondition(SettingGroup group) => group switch
    {
        SettingGroup.S3 => ConditionTypes.S3Ready,
        SettingGroup.CloudWatch => ConditionTypes.CloudWatchReady,
        _ => ConditionTypes.EncryptionReady,
    };

    /// <summary>UpdateDocument; at the version limit, deletes the oldest non-default versions this policy wrote and tries once more.</summary>
    private static async Task<string?> UpdateOrPruneAsync(
        IPreferencesDocumentPort documents, PolicyFacts policy, ConcernReport report, DocumentWrite write, string? keep, CancellationToken ct)
    {
        var name = policy.Spec.DocumentName;
        try
        {
            return await UpdateNamedAsync(documents, policy, report, write, ct).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (f.Code == "DocumentVersionLimitExceeded")
        {
            var versions = await documents.ListVersionsAsync(name, ct).ConfigureAwait(false);
            var latest = versions.Count == 0 ? null : versions[0].Version;
            // Oldest first; never the default, never $LATEST, never the version deletion restores, never a version
            // someone else wrote.
            var prunable = versions
                .Where(v => !v.IsDefault && v.Version != latest && v.Version != keep && ResourceNames.IsOwnedDocumentVersion(v.VersionName, policy.Name))
                .Reverse()
                .Take(VersionsPrunedAtLimit)
                .ToList();
            if (prunable.Count == 0)
            {
                throw;
            }

            foreach (var v in prunable)
            {
                await report.WriteAsync(() => documents.DeleteVersionAsync(name, v.Version, ct)).ConfigureAwait(false);
            }

            report.Normal("DocumentVersionsPruned",
                $"Document {name} was at SSM's version limit: deleted {prunable.Count} old version(s) this operator wrote ({string.Join(", ", prunable.Select(v => v.Version))}).");
            return await UpdateNamedAsync(documents, policy, report, write, ct).ConfigureAwait(false);
        }
    }

    /// <summary>UpdateDocument under the content's version name; when another version already carries that name (SSM may
    /// keep the names of deleted versions, or someone reused it), once more under a unique variant of it.</summary>
    private static async Task<string?> UpdateNamedAsync(IPreferencesDocumentPort documents, PolicyFacts policy, ConcernReport report, DocumentWrite write, CancellationToken ct)
    {
        var name = policy.Spec.DocumentName;
        try
        {
            return await report.WriteAsync(() => documents.UpdateAsync(name, write.Content, write.VersionName, ct)).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (f.Code == "DuplicateDocumentVersionName")
        {
            var unique = write.VersionName + "-" + ResourceNames.Hash(policy.Now.ToString("O", CultureInfo.InvariantCulture), 8);
            return await report.WriteAsync(() => documents.UpdateAsync(name, write.Content, unique, ct)).ConfigureAwait(false);
        }
    }

    /// <summary>The version (other than the default) whose content equals the desired content: the one this policy named
    /// for that content first, then every other newest first; null when none does.</summary>
    private static async Task<string?> ExistingVersionWithAsync(
        IPreferencesDocumentPort documents, PolicyFacts policy, string defaultVersion, DocumentWrite write, CancellationToken ct)
    {
        var name = policy.Spec.DocumentName;
        var versions = await documents.ListVersionsAsync(name, ct).ConfigureAwait(false);
        // The version named for this content first; versions this policy named for other content cannot hold it.
        var ordered = versions.Where(v => v.VersionName is { } n && n.StartsWith(write.VersionName, StringComparison.Ordinal))
            .Concat(versions.Where(v => !ResourceNames.IsOwnedDocumentVersion(v.VersionName, policy.Name)));
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
            var content = PreferencesContent.Parse(await documents.GetVersionContentAsync(name, candidate.Version, ct).ConfigureAwait(false));
            if (content is not null && JsonFieldDiff.Compare(write.Desired, content).Count == 0)
            {
                return candidate.Version;
            }
        }

        return null;
    }
}
