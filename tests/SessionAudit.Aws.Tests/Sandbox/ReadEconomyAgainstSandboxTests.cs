using Microsoft.Extensions.Time.Testing;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>How many AWS calls the ports and a no-op reconcile make, counted in the sandbox's call log.</summary>
public sealed class ReadEconomyAgainstSandboxTests(SandboxFixture fixture)
{
    private const string Region = "eu-west-1";
    private static readonly AwsScope Scope = new(Region);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string World = $"""
        - name: {Region}
          keys:
            - alias: logs-key
          buckets:
            - name: economy-logs-encrypted
              encryption: AES256
            - name: economy-logs-plain
            - name: economy-trail-bucket
          logGroups:
            - name: /ssm/sessions
              kmsKey: alias/logs-key
          trails:
            - name: management
              bucket: economy-trail-bucket
        """;

    private static string[] OperationsSince(SandboxAccount account, int from) =>
        [.. account.Calls.Skip(from).Select(c => c.Operation)];

    [Fact]
    public async Task An_encrypted_bucket_is_one_GetBucketEncryption_and_only_a_404_asks_HeadBucket()
    {
        using var account = fixture.NewAccount(World);
        var buckets = account.Factory.For(Scope).Buckets;

        var n = account.Calls.Count;
        Assert.Equal(new BucketInfo("economy-logs-encrypted", true, "AES256"), await buckets.DescribeAsync("economy-logs-encrypted", Ct));
        Assert.Equal(["GetBucketEncryption"], OperationsSince(account, n));

        n = account.Calls.Count;
        Assert.Equal(new BucketInfo("economy-logs-plain", false), await buckets.DescribeAsync("economy-logs-plain", Ct));
        Assert.Equal(["GetBucketEncryption", "HeadBucket"], OperationsSince(account, n));

        n = account.Calls.Count;
        Assert.Null(await buckets.DescribeAsync("no-such-bucket-here", Ct));
        Assert.Equal(["GetBucketEncryption", "HeadBucket"], OperationsSince(account, n));
        // What the SDK hid: the two 404s carry different codes on the wire.
        Assert.Equal(["ServerSideEncryptionConfigurationNotFoundError", "NoSuchBucket"],
            account.Calls.Where(c => c.Operation == "GetBucketEncryption" && c.Status == 404).Select(c => c.ErrorCode));
    }

    [Fact]
    public async Task Another_accounts_bucket_stays_an_access_denied_failure()
    {
        using var owner = fixture.NewAccount(World);
        using var account = fixture.NewAccount();

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => account.Factory.For(Scope).Buckets.DescribeAsync("economy-logs-encrypted", Ct));

        Assert.Equal(AwsFailureKind.AccessDenied, failure.Kind);
    }

    [Fact]
    public async Task Reading_the_document_is_one_GetDocument_and_its_versions_are_listed_separately()
    {
        using var account = fixture.NewAccount(World);
        var documents = account.Factory.For(Scope).Documents;
        await documents.CreateAsync("Prefs", """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"idleSessionTimeout":"20"}}""", null, Ct);

        var n = account.Calls.Count;
        var snapshot = await documents.GetAsync("Prefs", Ct);
        Assert.Equal(["GetDocument"], OperationsSince(account, n));
        Assert.Equal("1", snapshot!.DefaultVersion);

        n = account.Calls.Count;
        Assert.Equal(["1"], (await documents.ListVersionsAsync("Prefs", Ct)).Select(v => v.Version));
        Assert.Equal(["ListDocumentVersions"], OperationsSince(account, n));
    }

    [Fact]
    public async Task A_logging_trail_is_reused_within_maxAge_and_a_stop_is_seen_once_it_has_passed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var account = fixture.NewAccount(World, time: time);
        var trails = account.Factory.For(Scope).Trails;
        var maxAge = TimeSpan.FromMinutes(2);

        var n = account.Calls.Count;
        Assert.True((await trails.GetAuditTrailAsync(maxAge, Ct)).Logging);
        Assert.Equal(["DescribeTrails", "GetTrailStatus", "GetEventSelectors"], OperationsSince(account, n));

        n = account.Calls.Count;
        Assert.True((await trails.GetAuditTrailAsync(maxAge, Ct)).Logging);
        Assert.Empty(OperationsSince(account, n));

        // The trail stops logging; inside the bound the remembered answer still stands, after it AWS is asked again.
        var arn = (await trails.GetAuditTrailAsync(TimeSpan.Zero, Ct)).TrailArn!;
        await Trail(account).InvokeRawAsync("StopLogging", $$"""{"Name":"{{arn}}"}""", Ct);
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.True((await trails.GetAuditTrailAsync(maxAge, Ct)).Logging, "the answer read 119 s ago is inside the 2 m bound");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await trails.GetAuditTrailAsync(maxAge, Ct)).Logging);

        // "Not logging" is never reused: starting the trail again is seen on the next call.
        n = account.Calls.Count;
        await Trail(account).InvokeRawAsync("StartLogging", $$"""{"Name":"{{arn}}"}""", Ct);
        Assert.True((await trails.GetAuditTrailAsync(maxAge, Ct)).Logging);
        Assert.Equal(["StartLogging", "DescribeTrails", "GetTrailStatus", "GetEventSelectors"], OperationsSince(account, n));
    }

    [Fact]
    public async Task A_no_op_reconcile_of_bucket_log_group_and_document_makes_no_writes_and_one_read_per_concern()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var account = fixture.NewAccount(World, time: time);
        var reconciler = new PolicyReconciler(account.Factory, time);
        var policy = new SessionLoggingPolicy(
            new PolicyMetadata("prod", "6b1c2d3e-0000-4000-8000-000000000001", 1, time.GetUtcNow().AddDays(-1)),
            new SessionLoggingPolicySpec
            {
                Region = Region,
                DocumentName = "SessionPrefs",
                S3 = new S3LoggingSpec { BucketName = "economy-logs-encrypted", EncryptionRequired = true },
                CloudWatch = new CloudWatchLoggingSpec { LogGroupName = "/ssm/sessions" },
                DriftCheckInterval = "5m",
            });
        async Task<string[]> ReconcileAsync()
        {
            var n = account.Calls.Count;
            var result = await reconciler.ReconcileAsync(policy, [], ReconcileMode.Apply, Ct);
            policy = policy with { Status = result.Status };
            var ready = result.Status.Conditions!.Single(c => c.Type == "Ready");
            Assert.True(ready.Status == "True", $"Ready={ready.Status} {ready.Reason}: {ready.Message}");
            return OperationsSince(account, n);
        }

        var first = await ReconcileAsync();
        Assert.Contains("CreateDocument", first);

        var noop = await ReconcileAsync();
        // The log group's KMS key is read every pass too: a disabled key stops ingestion (LogGroupKeyCheck).
        Assert.Equal(["GetBucketEncryption", "DescribeLogGroups", "DescribeKey", "GetDocument"], noop);

        time.Advance(TimeSpan.FromMinutes(2.5)); // half the drift interval: the trail is read again
        var later = await ReconcileAsync();
        Assert.Equal(["GetBucketEncryption", "DescribeLogGroups", "DescribeKey", "DescribeTrails", "GetTrailStatus", "GetEventSelectors", "GetDocument"], later);
        Assert.DoesNotContain(account.Calls.Skip(account.Calls.Count - noop.Length - later.Length), c => c.IsWrite);
    }

    private static Transport.AwsJsonProtocol Trail(SandboxAccount account) => account.Factory.Clients(Scope).CloudTrail.Protocol;
}
