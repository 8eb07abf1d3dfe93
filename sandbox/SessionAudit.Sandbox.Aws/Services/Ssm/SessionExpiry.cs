using System.Globalization;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>Session Manager ends a session after <c>idleSessionTimeout</c> minutes without activity (default 20) and
/// after <c>maxSessionDuration</c> minutes (none by default), by the preferences in force when the session started.
/// The stand-in has no data channel, so activity is the start and each ResumeSession. A session whose time ran out is
/// ended, with its log written as at TerminateSession, the next time any call looks at the world. See
/// docs/SANDBOX-AWS.md, "Idle timeout and maximum duration".</summary>
internal static class SessionExpiry
{
    /// <summary>Session Manager's idle timeout when the preferences set none.</summary>
    public const int DefaultIdleMinutes = 20;

    private static readonly string[] Open = ["Connected", "Connecting", "Disconnected", "Terminating"];

    /// <summary>Sets when the session ends by itself, from its last activity and the preferences recorded at its start.</summary>
    public static void Schedule(World world, SsmSession session, DateTimeOffset lastActivity)
    {
        session.LastActivity = lastActivity;
        var inputs = session.Preferences is null ? null : JsonNode.Parse(session.Preferences) as JsonObject;
        var idle = Minutes(inputs?["idleSessionTimeout"], 1, 60) ?? DefaultIdleMinutes;
        var at = lastActivity.AddMinutes(idle);
        if (Minutes(inputs?["maxSessionDuration"], 1, 1440) is { } max && session.StartDate.AddMinutes(max) < at) at = session.StartDate.AddMinutes(max);
        session.ExpiresAt = at;
        if (world.NextSessionExpiryKnown && (world.NextSessionExpiry is null || at < world.NextSessionExpiry)) world.NextSessionExpiry = at;
    }

    /// <summary>Ends every open session whose time ran out by <paramref name="now"/>: status Terminated, EndDate the
    /// moment it ran out, and its log written. Costs nothing until the earliest expiry is reached.</summary>
    public static void Sweep(SandboxCore core, DateTimeOffset now)
    {
        var world = core.World;
        if (world.NextSessionExpiryKnown && (world.NextSessionExpiry is not { } due || now < due)) return;
        DateTimeOffset? next = null;
        foreach (var (account, regions) in world.Accounts)
        {
            foreach (var (region, state) in regions.Regions)
            {
                CallContext? ctx = null;
                foreach (var session in state.Sessions.Values)
                {
                    if (session.ExpiresAt is not { } at || !Open.Contains(session.Status)) continue;
                    if (at > now)
                    {
                        if (next is null || at < next) next = at;
                        continue;
                    }

                    session.Status = "Terminated";
                    session.EndDate = at;
                    ctx ??= new CallContext
                    {
                        Core = core,
                        Account = account,
                        Region = region,
                        Service = "ssm",
                        Operation = "SessionExpiry",
                        RequestId = "session-expiry",
                        CallerArn = $"arn:aws:iam::{account}:root",
                        UserId = account,
                        Now = now,
                    };
                    SessionLogs.Ended(ctx, session);
                }
            }
        }

        world.NextSessionExpiry = next;
        world.NextSessionExpiryKnown = true;
    }

    /// <summary>A preference in minutes, a string ("20") or a number, within its range; null when absent, empty or invalid.</summary>
    private static int? Minutes(JsonNode? node, int min, int max)
    {
        var text = node is JsonValue v ? v.ToString() : null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m >= min && m <= max ? m : null;
    }
}
