using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Policy.Concerns;

/// <summary>The facts every concern reads about the policy being reconciled: immutable, shared by value.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Uid">metadata.uid (earlier releases named grants after it).</param>
/// <param name="Generation">metadata.generation.</param>
/// <param name="Spec">The spec.</param>
/// <param name="Previous">The status as last written (never proof of ownership: anyone who may write the policy may write it).</param>
/// <param name="Now">The reconcile's clock reading.</param>
/// <param name="Account">Where the policy acts and within which guardrails.</param>
internal sealed record PolicyFacts(string Name, string? Uid, long Generation, SessionLoggingPolicySpec Spec, SessionLoggingPolicyStatus Previous, DateTimeOffset Now,
    AccountBinding Account)
{
    /// <summary>The role the operator acts as for this policy (named in access-denied advice); null for its own credentials.</summary>
    public string? RoleArn => Account.RoleArn;

    /// <summary>Why a change found is not applied: Observe mode, or a dry run (`session-audit plan`) of an Enforce policy.</summary>
    public string NotApplied => Spec.Mode == PolicyMode.Observe
        ? "Observe mode changes nothing."
        : "Not applied: this is a dry run; the operator (Enforce mode) would apply it.";

    /// <summary>True when the status was written for this generation (no spec change since).</summary>
    public bool SameGeneration => Previous.ObservedGeneration == Generation;
}

/// <summary>What one concern found and did in one phase: its condition, planned changes, drift, events and notes, and
/// whether the policy must wait, retry or stall because of it. Owned by the one concern call that fills it; the
/// reconciler only reads it.</summary>
/// <param name="type">The concern's condition type.</param>
internal sealed class ConcernReport(string type)
{
    /// <summary>The concern's condition type.</summary>
    public string Type { get; } = type;

    /// <summary>The condition: status (null for Unknown), reason and message; null until set.</summary>
    public (bool? Status, string Reason, string Message)? Condition { get; private set; }

    public List<PlannedChange> Changes { get; } = [];
    public List<string> Drift { get; } = [];
    public List<PolicyEvent> Events { get; } = [];
    public List<string> Notes { get; } = [];
    public List<string> Stalled { get; } = [];

    /// <summary>A prerequisite is not met yet; the reconciler checks again sooner than the drift interval.</summary>
    public bool Waiting { get; set; }

    /// <summary>An AWS call failed for a reason that may pass; the runtime backs off and retries.</summary>
    public bool Transient { get; set; }

    /// <summary>AWS write calls made.</summary>
    public int Writes { get; private set; }

    public void Set(bool? status, string reason, string message) => Condition = (status, reason, message);

    /// <summary>A new report of the same concern carrying this one's plan (changes, drift, notes, what stalls or waits)
    /// but not its verdict (condition and events): what Apply starts from, so the plan it reports is the one Diff made.</summary>
    public ConcernReport CarryPlan()
    {
        var next = new ConcernReport(Type) { Waiting = Waiting };
        next.Changes.AddRange(Changes);
        next.Drift.AddRange(Drift);
        next.Notes.AddRange(Notes);
        next.Stalled.AddRange(Stalled);
        return next;
    }

    public void Plan(string concern, ChangeAction action, string path, string? current, string? desired) =>
        Changes.Add(new PlannedChange(concern, action, path, current, desired));

    public void Warn(string reason, string message) => Events.Add(PolicyEvent.Warning(reason, message));

    public void Normal(string reason, string message) => Events.Add(PolicyEvent.Normal(reason, message));

    /// <summary>Runs one AWS write, counting it. Only Apply and Cleanup call this.</summary>
    public async Task<T> WriteAsync<T>(Func<Task<T>> call)
    {
        Writes++;
        return await call().ConfigureAwait(false);
    }

    /// <summary>Runs one AWS write without result, counting it.</summary>
    public async Task WriteAsync(Func<Task> call)
    {
        Writes++;
        await call().ConfigureAwait(false);
    }

    /// <summary>Turns a failed AWS call into the concern's condition: retried when transient, else stalled with a Warning.</summary>
    public void Failed(AwsFailure failure, string what, string? roleArn)
    {
        ArgumentNullException.ThrowIfNull(failure);
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
            AwsFailureKind.AccessDenied => " Give the operator's role the permission named above" + (roleArn is { } r ? $" (it acts as {r})." : "."),
            AwsFailureKind.Invalid => " AWS rejected the request: check the spec values named above.",
            _ when failure.IsTransient => " The operator retries.",
            _ => "",
        };
        var code = failure.Code is null ? "" : failure.Code + ": ";
        Set(failure.IsTransient ? null : false, reason, $"{what} failed: {code}{failure.Message}.{advice}");
        if (failure.IsTransient)
        {
            Transient = true;
        }
        else
        {
            Stalled.Add($"{Type}: {what} failed ({reason})");
            Warn(reason, $"{what} failed: {code}{failure.Message}");
        }
    }
}

/// <summary>Reads one AWS answer, keeping a failure as a value: Observe never throws for AWS's sake.</summary>
internal readonly record struct Observed<T>(T? Value, AwsFailure? Failure)
{
    public static async Task<Observed<T>> ReadAsync(Func<Task<T?>> read)
    {
        try
        {
            return new Observed<T>(await read().ConfigureAwait(false), null);
        }
        catch (AwsFailure f)
        {
            return new Observed<T>(default, f);
        }
    }
}
