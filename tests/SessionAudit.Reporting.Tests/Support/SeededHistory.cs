using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Tests.Support;

/// <summary>
/// A generated 30-day history: 260 sessions in the window (so a real source pages), 9 older ones, a session listed twice
/// in History, 3 sessions in both Active and History, 2 only in Active; shell, interactive-command, port-forwarding and
/// SSH documents, and failed starts. It knows, independently of the code under test, which rows the report must hold.
/// </summary>
internal sealed class SeededHistory
{
    public static readonly DateTimeOffset Now = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);

    public const int InWindowHistory = 260;

    public List<SessionRecord> History { get; } = [];

    public List<SessionRecord> Active { get; } = [];

    public List<ManagedInstance> Instances { get; } = [];

    /// <summary>Session id → (status, state, expected notLoggedReason code or "").</summary>
    public Dictionary<string, (string Status, string State, string Reason)> Expected { get; } = [];

    public HashSet<string> TooOld { get; } = [];

    public SeededHistory()
    {
        for (var i = 0; i < InWindowHistory; i++)
        {
            // Spread over 29.9 days, newest first like the API.
            var start = Now - TimeSpan.FromMinutes(3 + (i * 165));
            var (document, reason) = (i % 20) switch
            {
                3 => ("AWS-StartPortForwardingSession", "port-forwarding"),
                7 => ("AWS-StartPortForwardingSessionToRemoteHost", "port-forwarding"),
                11 => ("AWS-StartSSHSession", "ssh"),
                13 => ("AWS-StartInteractiveCommand", ""),
                _ => ("SSM-SessionManagerRunShell", ""),
            };
            var failed = i % 25 == 24;
            var status = failed ? "Failed" : "Terminated";
            if (failed)
            {
                reason = "failed-to-start";
            }

            var id = $"user{i % 5}-{i:x4}0a1b2c3d4e5f";
            History.Add(new SessionRecord
            {
                SessionId = id,
                Target = $"i-0{i % 17:x2}00000000000{i % 17:x2}",
                Owner = $"arn:aws:iam::111122223333:user/user{i % 5}",
                Status = status,
                StartDate = start,
                EndDate = failed ? null : start + TimeSpan.FromMinutes(1 + (i % 50)),
                DocumentName = document,
                Reason = i % 9 == 0 ? "ticket OPS-" + i : null,
                MaxSessionDuration = "60",
                AccessType = i % 10 == 0 ? "JustInTime" : "Standard",
            });
            Expected[id] = (status, "history", reason);
        }

        // Listed twice: pages can shift while new sessions arrive.
        History.Insert(150, History[120]);

        for (var i = 0; i < 9; i++)
        {
            var id = $"old-{i:x4}0a1b2c3d4e5f";
            History.Add(new SessionRecord
            {
                SessionId = id,
                Target = "i-0old0000000000000",
                Owner = "arn:aws:iam::111122223333:user/old",
                Status = "Terminated",
                StartDate = Now - TimeSpan.FromDays(30) - TimeSpan.FromHours(1 + (i * 20)),
                EndDate = Now - TimeSpan.FromDays(30) - TimeSpan.FromHours(i * 20),
                DocumentName = "SSM-SessionManagerRunShell",
                AccessType = "Standard",
            });
            TooOld.Add(id);
        }

        // Ended between the Active and the History call: Active still says Connected, History's Terminated wins.
        foreach (var i in new[] { 0, 1, 3 })
        {
            var h = History[i];
            Active.Add(h with { Status = "Connected", EndDate = null });
        }

        for (var i = 0; i < 2; i++)
        {
            var id = $"open{i}-0a1b2c3d4e5f";
            var document = i == 0 ? "SSM-SessionManagerRunShell" : "AWS-StartSSHSession";
            Active.Add(new SessionRecord
            {
                SessionId = id,
                Target = "i-0aaaa000000000000",
                Owner = "arn:aws:sts::111122223333:assumed-role/Admin/carol",
                Status = "Connected",
                StartDate = Now - TimeSpan.FromMinutes(30 + i),
                DocumentName = document,
                AccessType = "Standard",
            });
            Expected[id] = ("Connected", "active", i == 0 ? "" : "ssh");
        }
    }

    public int ExpectedUnlogged => Expected.Values.Count(v => v.Reason.Length > 0);
}
