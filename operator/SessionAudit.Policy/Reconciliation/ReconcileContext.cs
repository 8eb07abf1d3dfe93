using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>The working state of one reconcile: what was observed, what is planned, what was done.</summary>
internal sealed class ReconcileContext(SessionLoggingPolicy policy, IAwsEnvironment aws, bool write, DateTimeOffset now)
{
    public SessionLoggingPolicy Policy { get; } = policy;
    public SessionLoggingPolicySpec Spec => Policy.Spec;
    public PolicyMetadata Meta => Policy.Metadata;
    public SessionLoggingPolicyStatus Previous { get; } = policy.Status ?? new SessionLoggingPolicyStatus();
    public IAwsEnvironment Aws { get; } = aws;
    public bool Write { get; } = write;
    public DateTimeOffset Now { get; } = now;
    public ConditionSet Conditions { get; } = new(policy.Status?.Conditions, policy.Metadata.Generation, now);
    public List<PlannedChange> Changes { get; } = [];
    public List<string> Notes { get; } = [];
    public List<PolicyEvent> Events { get; } = [];
    public List<string> Drift { get; } = [];
    public HashSet<SettingGroup> Held { get; } = [];
    public List<string> StalledBecause { get; } = [];
    public bool Transient { get; set; }
    public bool Waiting { get; set; }
    public int Writes { get; set; }
    public KmsKeyInfo? Key { get; set; }
    public AuditTrailInfo? Trail { get; set; }
    public DocumentStatus? Document { get; set; }
    public string? RuleArn { get; set; }
    public IReadOnlyList<GrantStatus>? Grants { get; set; }

    /// <summary>Why a change found is not applied: Observe mode, or a dry run (`session-audit plan`) of an Enforce policy.</summary>
    public string NotApplied => Spec.Mode == PolicyMode.Observe
        ? "Observe mode changes nothing."
        : "Not applied: this is a dry run; the operator (Enforce mode) would apply it.";

    /// <summary>Runs a write, counting it; only called when <see cref="Write"/> is true.</summary>
    public async Task<T> WriteAsync<T>(Func<Task<T>> call)
    {
        Writes++;
        return await call().ConfigureAwait(false);
    }

    /// <summary>Runs a write without result, counting it.</summary>
    public async Task WriteAsync(Func<Task> call)
    {
        Writes++;
        await call().ConfigureAwait(false);
    }

    /// <summary>Turns a failed AWS call into the concern's condition and remembers whether to retry or stall.</summary>
    public void Failed(string conditionType, AwsFailure failure, string what)
    {
        var reason = failure.Kind switch
        {
            AwsFailureKind.AccessDenied => "AccessDenied",
            AwsFailureKind.Throttled => "AwsThrottled",
            AwsFailureKind.Unavailable => "AwsUnavailable",
            AwsFailureKind.Conflict => "AwsConflict",
            AwsFailureKind.Invalid => "AwsRejected",
            _ => "AwsNotFound",
        };
        var advice = failure.Kind switch
        {
            AwsFailureKind.AccessDenied => " Give the operator's role the permission named above" + (Spec.RoleArn is { } r ? $" (it acts as {r})." : "."),
            AwsFailureKind.Invalid => " AWS rejected the request: check the spec values named above.",
            _ when failure.IsTransient => " The operator retries.",
            _ => "",
        };
        var code = failure.Code is null ? "" : failure.Code + ": ";
        Conditions.Set(conditionType, failure.IsTransient ? null : false, reason, $"{what} failed: {code}{failure.Message}.{advice}");
        if (failure.IsTransient)
        {
            Transient = true;
        }
        else
        {
            StalledBecause.Add($"{conditionType}: {what} failed ({reason})");
            Events.Add(PolicyEvent.Warning(reason, $"{what} failed: {code}{failure.Message}"));
        }
    }

    public void Plan(string concern, ChangeAction action, string path, string? current, string? desired) =>
        Changes.Add(new PlannedChange(concern, action, path, current, desired));
}
