using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Readiness;

namespace SessionAudit.Reporting.Engine;

/// <summary>Builds the session activity report (S9–S11) from a <see cref="ISessionActivitySource"/>, streaming rows to a sink.</summary>
public sealed class SessionReportEngine(ISessionActivitySource source, TimeProvider timeProvider)
{
    // Progress is reported about once per DescribeSessions page (MaxResults is at most 200).
    private const int ProgressEvery = 200;
    private const string StandardStreamSessionType = "Standard_Stream";

    // Rows waiting for their target's role are held until this many targets are unresolved (one batch of the role
    // lookup: EC2 takes many instance ids per filter) or this many rows wait, so memory stays bounded.
    private const int RoleBatchTargets = 100;
    private const int RoleBatchRows = 1_000;

    /// <summary>Builds the report, keeping only aggregates and the retained rows in memory.</summary>
    public Task<SessionReport> RunAsync(ReportOptions options, CancellationToken cancellationToken) =>
        RunAsync(options, sink: null, progress: null, cancellationToken);

    /// <summary>
    /// Builds the report. Every row in the window goes to <paramref name="sink"/> exactly once, as it is read;
    /// the returned report holds the aggregates, the readiness of every managed node and the retained rows.
    /// </summary>
    public async Task<SessionReport> RunAsync(
        ReportOptions options,
        ISessionRowSink? sink,
        IProgress<ReportProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var now = timeProvider.GetUtcNow();
        var window = new ReportWindow(options.Days, now - TimeSpan.FromDays(options.Days), now);
        var rules = new SessionLoggingRules(options.AdditionalPortForwardingDocuments);
        // Each document is read once per report: sessions of one document share its type.
        var types = new Dictionary<string, SessionDocumentType>(StringComparer.Ordinal);
        async ValueTask<SessionDocumentType?> TypeOf(SessionRecord session)
        {
            if (!rules.NeedsType(session.DocumentName, session.Status))
            {
                return null;
            }

            return await Read(session.DocumentName!);
        }

        async ValueTask<SessionDocumentType> Read(string name)
        {
            if (!types.TryGetValue(name, out var type))
            {
                type = await source.GetSessionTypeAsync(name, cancellationToken);
                types[name] = type;
            }

            return type;
        }

        // The preferences in force: a Standard_Stream document carries its own (a session without a document ran the
        // default one); InteractiveCommands and NonInteractiveCommands documents have no logging inputs, and their
        // sessions are logged by the account's Session Manager preferences, the default document.
        var delivery = options.CheckLogDelivery ? new LogDeliveryChecker(source, now, options.LogGracePeriod, options.InstanceRoles) : null;
        async ValueTask<SessionRow> Deliver(SessionRow row, SessionDocumentType? type)
        {
            if (delivery is null)
            {
                return row;
            }

            if (!row.Logged || row.State == SessionState.Active)
            {
                return await delivery.CheckAsync(row, null, cancellationToken);
            }

            var preferences = row.DocumentName is null ? await Read(SessionLoggingRules.DefaultShellDocument) : type;
            if (preferences is { SessionType: { } t } && !string.Equals(t, StandardStreamSessionType, StringComparison.Ordinal))
            {
                preferences = await Read(SessionLoggingRules.DefaultShellDocument);
            }

            return await delivery.CheckAsync(row, preferences, cancellationToken);
        }

        var aggregator = new ReportAggregator(window, options);
        var read = 0;

        // A row whose fix depends on its target's role waits for a batch; the others go out as they are read.
        var waiting = new List<SessionRow>();
        var unresolved = new HashSet<string>(StringComparer.Ordinal);
        async ValueTask Emit(SessionRow row)
        {
            if (delivery is null || !delivery.NeedsRole(row))
            {
                await EmitAsync(row, aggregator, sink, cancellationToken);
                return;
            }

            // The batch's targets whose role is not known yet, kept as rows arrive rather than counted again each time.
            waiting.Add(row);
            unresolved.UnionWith(delivery.UnresolvedTargets([row]));
            if (waiting.Count >= RoleBatchRows || unresolved.Count >= RoleBatchTargets)
            {
                foreach (var named in await delivery.NameFixesAsync(waiting, cancellationToken))
                {
                    await EmitAsync(named, aggregator, sink, cancellationToken);
                }

                waiting.Clear();
                unresolved.Clear();
            }
        }

        // Active first, and held back: it is short (open sessions only). A session that ends between the two calls is
        // then in both lists, and the History record, read later, is the newer and final one, so it wins.
        var active = new Dictionary<string, SessionRecord>(StringComparer.Ordinal);
        await foreach (var session in source.GetSessionsAsync(SessionState.Active, window.Start, cancellationToken).WithCancellation(cancellationToken))
        {
            Report(progress, SessionState.Active, ++read, read, 0);
            if (InWindow(session, window))
            {
                active[session.SessionId] = session;
            }
        }

        // Pages can shift while new sessions arrive, so the same session may come twice within History as well.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var session in source.GetSessionsAsync(SessionState.History, window.Start, cancellationToken).WithCancellation(cancellationToken))
        {
            Report(progress, SessionState.History, ++read, read, 0);
            if (!InWindow(session, window) || !seen.Add(session.SessionId))
            {
                continue;
            }

            active.Remove(session.SessionId);
            var type = await TypeOf(session);
            await Emit(await Deliver(ToRow(session, SessionState.History, now, rules, type), type));
        }

        foreach (var session in active.Values)
        {
            var type = await TypeOf(session);
            await Emit(await Deliver(ToRow(session, SessionState.Active, now, rules, type), type));
        }

        if (waiting.Count > 0)
        {
            foreach (var named in await delivery!.NameFixesAsync(waiting, cancellationToken))
            {
                await EmitAsync(named, aggregator, sink, cancellationToken);
            }
        }

        var instances = new List<InstanceReadiness>();
        await foreach (var instance in source.GetInstancesAsync(cancellationToken).WithCancellation(cancellationToken))
        {
            instances.Add(ReadinessRules.Evaluate(instance, options.KmsEncryptionConfigured, options.CloudWatchStreamingConfigured, options.ShellProfileConfigured));
            Report(progress, null, instances.Count, read, instances.Count);
        }

        instances.Sort(static (a, b) =>
        {
            var byWarnings = b.Warnings.CompareTo(a.Warnings);
            return byWarnings != 0 ? byWarnings : string.CompareOrdinal(a.InstanceId, b.InstanceId);
        });

        progress?.Report(new ReportProgress(null, read, instances.Count));
        return aggregator.Build(instances);
    }

    /// <summary>Turns one DescribeSessions record into a report row; <paramref name="type"/> is its document's type as read.</summary>
    public static SessionRow ToRow(SessionRecord session, SessionState state, DateTimeOffset now, SessionLoggingRules rules, SessionDocumentType? type)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rules);
        var reason = rules.Classify(session.DocumentName, session.Status, type);
        TimeSpan? duration = (session.StartDate, session.EndDate) switch
        {
            ({ } start, { } end) => Max(end - start),
            // An open session has lasted until now; a session in History without an end has no known length.
            ({ } start, null) when state == SessionState.Active && reason != NotLoggedReason.FailedToStart => Max(now - start),
            _ => null,
        };

        return new SessionRow(
            session.SessionId,
            session.Target,
            session.Owner,
            session.DocumentName,
            session.StartDate,
            session.EndDate,
            duration,
            session.Status,
            session.AccessType,
            state,
            reason);
    }

    private static TimeSpan Max(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    // The adapter filters with InvokedAfter already; the window is enforced here too so that a source which ignores the
    // filter cannot put older sessions in the report. A session without a start date cannot be placed, so it stays.
    private static bool InWindow(SessionRecord session, ReportWindow window) =>
        session.StartDate is not { } start || start >= window.Start;

    private static async ValueTask EmitAsync(SessionRow row, ReportAggregator aggregator, ISessionRowSink? sink, CancellationToken cancellationToken)
    {
        aggregator.Add(row);
        if (sink is not null)
        {
            await sink.WriteRowAsync(row, cancellationToken);
        }
    }

    private static void Report(IProgress<ReportProgress>? progress, SessionState? phase, int tick, int sessions, int instances)
    {
        if (progress is not null && tick % ProgressEvery == 0)
        {
            progress.Report(new ReportProgress(phase, sessions, instances));
        }
    }
}
