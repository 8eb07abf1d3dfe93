using SessionAudit.Aws.Tests.Support;
using SessionAudit.Sandbox.Aws;
using Xunit;

[assembly: AssemblyFixture(typeof(SandboxFixture))]

namespace SessionAudit.Aws.Tests.Support;

/// <summary>
/// One AWS sandbox (model validation on, as always) shared by the sandbox tests. Tests stay apart by account: each
/// takes a fresh account id and an access key mapped to it, so state and call-log entries never mix.
/// Tests that switch faults on start their own sandbox instead (faults are sandbox-wide).
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private static long _nextAccount = 210000000000;

    public AwsSandbox Sandbox { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Sandbox = await AwsSandbox.StartAsync(new AwsSandboxOptions { Port = 0 }, CancellationToken.None);

    public async ValueTask DisposeAsync() => await Sandbox.DisposeAsync();

    /// <summary>A fresh account with its own access key; <paramref name="regionsYaml"/> is the seed's "regions:" list for it.</summary>
    /// <param name="time">The clock of the account's clients (retries, rate limits, remembered answers); the system clock when null.</param>
    public SandboxAccount NewAccount(string? regionsYaml = null, Configuration.AwsClientOptions? options = null, TimeProvider? time = null) =>
        SandboxAccount.Create(Sandbox, Interlocked.Increment(ref _nextAccount).ToString(System.Globalization.CultureInfo.InvariantCulture), regionsYaml, options, time: time);
}
