using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests.Support;

/// <summary>
/// One world per test class: both sandboxes seeded with <see cref="Seed"/>, the CRD installed, a person who reads AWS
/// with the AWS CLI, and `session-audit run` as a process with a short resync so drift checks come within seconds.
/// Scenarios in one class use their own policy names, documents and buckets so they do not disturb each other.
/// </summary>
public abstract class OperatorWorld : IAsyncLifetime
{
    private TestWorld? world;
    private OperatorProcess? process;

    public TestWorld World => world ?? throw new InvalidOperationException("the world is not started");

    public OperatorProcess Operator => process ?? throw new InvalidOperationException("the operator is not started");

    /// <summary>The AWS sandbox seed (YAML) for this class's world.</summary>
    protected abstract string Seed { get; }

    /// <summary>Objects a cluster admin applies before the operator starts (AwsAccounts); null for none.</summary>
    protected virtual string? AdminManifests => null;

    /// <summary>A default AwsAccount whose guardrails allow the one Run Command document the scenarios send.</summary>
    public const string RunShellScriptAllowed = """
        apiVersion: sessionaudit.io/v1alpha1
        kind: AwsAccount
        metadata:
          name: e2e-platform
        spec:
          default: true
          guardrails: {allowedRunCommandDocuments: [AWS-RunShellScript]}
        """;

    /// <summary>Whether the operator runs from the start (coverage scenarios start it themselves).</summary>
    protected virtual bool StartOperator => true;

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        world = await TestWorld.StartAsync(Seed, installCrd: true, cts.Token);
        world.AddPerson();
        if (AdminManifests is { } manifests)
        {
            await world.ApplyAsync(manifests, ct: cts.Token);
        }

        if (StartOperator)
        {
            process = await world.StartOperatorAsync("5s", ct: cts.Token);
        }
    }

    /// <summary>Starts the operator later (when <see cref="StartOperator"/> is false).</summary>
    public async Task<OperatorProcess> StartOperatorNowAsync(CancellationToken ct)
    {
        process = await World.StartOperatorAsync("5s", ct: ct);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        if (world is not null)
        {
            await world.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Fails when the operator process died (a crash loop in a cluster).</summary>
    public void AssertOperatorAlive()
    {
        Assert.False(Operator.HasExited, "the operator process exited:\n" + string.Join('\n', Operator.Output.TakeLast(40)));
    }
}
