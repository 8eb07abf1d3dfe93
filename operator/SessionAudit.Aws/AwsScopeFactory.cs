using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SessionAudit.Aws.Adapters;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Credentials;
using SessionAudit.Aws.Resilience;
using SessionAudit.Aws.Sdk;
using SessionAudit.Aws.Telemetry;
using SessionAudit.Policy.Ports;
using SessionAudit.Reporting.Ports;

namespace SessionAudit.Aws;

/// <summary>
/// Scope (region, role, external id) to ports. Clients, credentials and adapters are created once per scope and cached;
/// all scopes share one HTTP handler, one retry policy, the rate-limit buckets and the meter. A scope idle for
/// <see cref="AwsClientOptions.ScopeIdleTimeout"/> is dropped (a policy moved to another account or region, or deleted,
/// leaves nothing behind) and made again on next use.
/// </summary>
public sealed class AwsScopeFactory : IAwsScopeFactory, IDisposable
{
    private readonly AwsClientOptions _options;
    private readonly AwsEndpointResolver _endpoints;
    private readonly AwsCredentialsSource _credentials;
    private readonly AwsRateLimiters _limiters;
    private readonly HttpMessageHandler _primaryHandler;
    private readonly bool _ownsHandler;
    private readonly AwsSdkClientFactory _sdk;
    private readonly ConcurrentDictionary<AwsScope, Lazy<Entry>> _scopes = new();
    // The clients each role shares among its sessions (one per policy), by role and region.
    private readonly ConcurrentDictionary<(string Role, string Region), Lazy<AwsClients>> _roles = new();
    // A role session's credentials by its scope without region: the session's scopes in other regions sign with them.
    private readonly ConcurrentDictionary<AwsScope, Amazon.Runtime.AWSCredentials> _sessionCredentials = new();
    // What an account says to a role session, by its scope without session name: sessions of the same role, external
    // id and tags (the same permissions) share it; another external id or other tags never see it.
    private readonly ConcurrentDictionary<AwsScope, AccountFacts> _facts = new();
    private readonly BucketRegionMap _bucketRegions = new();
    private readonly TimeProvider _time;
    private long _lastSweep;

    /// <summary>Creates the factory.</summary>
    /// <param name="options">Retry, rate-limit and role-session settings.</param>
    /// <param name="endpoints">Endpoint resolution (AWS_ENDPOINT_URL*).</param>
    /// <param name="credentials">The operator's own credentials.</param>
    /// <param name="metrics">The "SessionAudit.Aws" meter.</param>
    /// <param name="time">Clock for backoff, budgets and token buckets.</param>
    /// <param name="loggerFactory">Logging; null for none.</param>
    /// <param name="primaryHandler">The transport every client sends through (must not follow redirects); null creates one this factory owns.</param>
    public AwsScopeFactory(AwsClientOptions options, AwsEndpointResolver endpoints, AwsCredentialsSource credentials, AwsMetrics metrics,
        TimeProvider time, ILoggerFactory? loggerFactory = null, HttpMessageHandler? primaryHandler = null)
    {
        _options = options;
        _endpoints = endpoints;
        _credentials = credentials;
        _ownsHandler = primaryHandler is null;
        _primaryHandler = primaryHandler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _time = time;
        _lastSweep = time.GetTimestamp();
        _limiters = new AwsRateLimiters(options.RateLimit, time);
        Runner = new AwsCallRunner(options, _limiters, metrics, time, loggerFactory?.CreateLogger<AwsCallRunner>());
        _sdk = new AwsSdkClientFactory(endpoints, options, new SharedHandlerHttpClientFactory(_primaryHandler));
    }

    /// <summary>The shared call policy.</summary>
    public AwsCallRunner Runner { get; }

    /// <inheritdoc />
    public IAwsEnvironment For(AwsScope scope) => Get(scope).Environment;

    /// <summary>The report's session-history and managed-node source for a scope.</summary>
    public ISessionActivitySource SessionActivity(AwsScope scope) => Get(scope).Activity;

    /// <summary>Where the report's files are written for a scope.</summary>
    public IReportExportPort ReportExport(AwsScope scope) => Get(scope).Export;

    /// <summary>The low-level clients of a scope.</summary>
    public AwsClients Clients(AwsScope scope) => Get(scope).Clients;

    /// <summary>How many scopes are held now.</summary>
    public int ScopeCount => _scopes.Count;

    /// <summary>How many sets of clients roles share among their sessions now.</summary>
    public int SharedRoleClientCount => _roles.Count;

    private Entry Get(AwsScope scope)
    {
        SweepIdle();
        var entry = _scopes.GetOrAdd(Normalize(scope), s => new Lazy<Entry>(() =>
        {
            var shared = s.RoleArn is { } role
                ? _roles.GetOrAdd((role, s.Region), k => new Lazy<AwsClients>(() =>
                    AwsClients.ForRole(k.Role, k.Region, _options, _credentials, _sdk, _endpoints, Runner, _primaryHandler))).Value
                : null;
            var session = s with { Region = "" };
            var clients = new AwsClients(s, _options, _credentials, _sdk, _endpoints, Runner, _primaryHandler, shared,
                shared is null ? null : _sessionCredentials.GetValueOrDefault(session),
                shared is null ? null : _facts.GetOrAdd(s with { SessionName = null }, _ => new AccountFacts()));
            if (shared is not null)
            {
                _sessionCredentials.TryAdd(session, clients.Credentials);
            }

            // A bucket may live in another region than the policy: its calls use that region's clients of the same role.
            var buckets = new S3BucketRegions(region => Get(s with { Region = region }).Clients, _bucketRegions);
            return new Entry(clients, buckets);
        })).Value;
        entry.Clients.Touch();
        return entry;
    }

    // At most one sweep per quarter of the idle timeout. A dropped scope is not disposed: whoever still holds its ports
    // (a report paging through history) finishes with them, and the collector takes them after. Its SDK clients share
    // the one handler, so they hold no connections of their own.
    private void SweepIdle()
    {
        var idle = _options.ScopeIdleTimeout;
        if (idle == Timeout.InfiniteTimeSpan || idle <= TimeSpan.Zero)
        {
            return;
        }

        var last = Volatile.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last) < idle / 4 || Interlocked.CompareExchange(ref _lastSweep, _time.GetTimestamp(), last) != last)
        {
            return;
        }

        foreach (var pair in _scopes)
        {
            if (pair.Value.IsValueCreated && pair.Value.Value.Clients.IdleFor >= idle)
            {
                _scopes.TryRemove(pair);
            }
        }

        // A session's credentials go with the last of its scopes, shared facts with the last session using them.
        var live = _scopes.Keys.Select(k => k with { Region = "" }).ToHashSet();
        foreach (var key in _sessionCredentials.Keys)
        {
            if (!live.Contains(key))
            {
                _sessionCredentials.TryRemove(key, out _);
            }
        }

        var liveFacts = _scopes.Keys.Select(k => k with { SessionName = null }).ToHashSet();
        foreach (var key in _facts.Keys)
        {
            if (!liveFacts.Contains(key))
            {
                _facts.TryRemove(key, out _);
            }
        }

        // A role's shared clients are used (touched) by every call of its sessions.
        foreach (var pair in _roles)
        {
            if (pair.Value.IsValueCreated && pair.Value.Value.IdleFor >= idle)
            {
                _roles.TryRemove(pair);
            }
        }
    }

    // An empty external id and none are the same scope; without a role, session name and tags mean nothing.
    private static AwsScope Normalize(AwsScope scope) => string.IsNullOrEmpty(scope.RoleArn)
        ? new AwsScope(scope.Region)
        : scope with
        {
            ExternalId = string.IsNullOrEmpty(scope.ExternalId) ? null : scope.ExternalId,
            SessionTags = scope.SessionTags is { Count: > 0 } ? scope.SessionTags : null,
        };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lazy in _scopes.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Clients.Dispose();
            }
        }

        foreach (var lazy in _roles.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }
        _limiters.Dispose();
        if (_ownsHandler)
        {
            _primaryHandler.Dispose();
        }
    }

    // A policy's session uses only its environment; the report's ports (and the report adapter's role cache) are made on
    // first use, which spares each of 10,000 policy sessions about half a kilobyte.
    private sealed class Entry(AwsClients clients, S3BucketRegions buckets)
    {
        private SessionActivityAdapter? _activity;
        private ReportExportAdapter? _export;

        public AwsClients Clients => clients;

        public IAwsEnvironment Environment { get; } = new AwsEnvironment(clients, buckets);

        public ISessionActivitySource Activity =>
            Volatile.Read(ref _activity) ?? Interlocked.CompareExchange(ref _activity, new SessionActivityAdapter(clients, buckets), null) ?? _activity;

        public IReportExportPort Export =>
            Volatile.Read(ref _export) ?? Interlocked.CompareExchange(ref _export, new ReportExportAdapter(clients, buckets), null) ?? _export;
    }
}
