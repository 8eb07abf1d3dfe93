using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>The verdict of a prerequisite check: its report and, when it failed, the setting group it holds at its
/// current value in AWS (the preferences document leaves that group alone until the check passes).</summary>
internal sealed record CheckResult(ConcernReport Report, SettingGroup? Held)
{
    /// <summary>A check that failed on a prerequisite the user must create or fix: condition, Warning, wait, hold.</summary>
    public static CheckResult Unmet(string type, string reason, string message, SettingGroup group)
    {
        var report = new ConcernReport(type);
        report.Set(false, reason, message);
        report.Warn(reason, message);
        report.Waiting = true;
        report.Notes.Add(message);
        return new CheckResult(report, group);
    }

    /// <summary>A check whose read failed: the failure's condition, and the group held.</summary>
    public static CheckResult Unreadable(string type, AwsFailure failure, string what, string? roleArn, SettingGroup group, string why)
    {
        var report = new ConcernReport(type);
        report.Failed(failure, what, roleArn);
        report.Notes.Add(why);
        return new CheckResult(report, group);
    }

    /// <summary>A check that passed (or has nothing to check).</summary>
    public static CheckResult Met(string type, string reason, string message)
    {
        var report = new ConcernReport(type);
        report.Set(true, reason, message);
        return new CheckResult(report, null);
    }
}
