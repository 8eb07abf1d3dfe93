using Amazon.Runtime;

namespace SessionAudit.Aws.Credentials;

/// <summary>
/// Credentials of an assumed role, refreshed by the SDK's <see cref="RefreshingAWSCredentials"/> machinery: cached until
/// <see cref="RefreshingAWSCredentials.PreemptExpiryTime"/> before expiry, then fetched again with STS AssumeRole: in the
/// background while the held credentials still sign calls, or before the call when they have expired.
/// The AssumeRole call itself goes through our STS client (endpoint, retries, rate limit, metrics).
/// </summary>
public sealed class AssumedRoleCredentials : RefreshingAWSCredentials
{
    private readonly Func<CancellationToken, Task<(ImmutableCredentials Credentials, DateTime ExpirationUtc)>> _assume;

    /// <summary>Creates credentials that call <paramref name="assume"/> whenever fresh ones are needed.</summary>
    public AssumedRoleCredentials(string roleArn, Func<CancellationToken, Task<(ImmutableCredentials, DateTime)>> assume, TimeSpan refreshMargin)
    {
        RoleArn = roleArn;
        _assume = assume;
        PreemptExpiryTime = refreshMargin;
    }

    /// <summary>The role these credentials belong to.</summary>
    public string RoleArn { get; }

    /// <summary>How many times AssumeRole was called (the cache works when this stays 1).</summary>
    public int Refreshes => _refreshes;

    private int _refreshes;

    /// <inheritdoc />
    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    /// <inheritdoc />
    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        Interlocked.Increment(ref _refreshes);
        // RefreshingAWSCredentials offers no token here; the STS call is bounded by the runner's time budget.
        var (credentials, expiration) = await _assume(CancellationToken.None).ConfigureAwait(false);
        return new CredentialsRefreshState(credentials, expiration);
    }
}
