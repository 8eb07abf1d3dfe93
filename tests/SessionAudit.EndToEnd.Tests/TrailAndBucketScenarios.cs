using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of the trail and bucket scenarios: a logging trail alone in us-west-2 (no other scenario shares its
/// account and region, so no remembered answer is in play), and an encrypted log bucket in eu-west-1.</summary>
public sealed class TrailAndBucketWorld : OperatorWorld
{
    protected override string Seed => """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-west-2
                buckets:
                  - {name: e2e-west-trail-logs, encryption: AES256}
                trails:
                  - {name: e2e-west-trail, bucket: e2e-west-trail-logs, logging: true}
              - name: eu-west-1
                buckets:
                  - {name: e2e-eu-session-logs, encryption: AES256}
              - name: us-east-1
                trails:
                  - {name: e2e-trail, bucket: e2e-eu-session-logs, logging: true}
        """;
}

/// <summary>Issue 15: a trail that logs but selects no management events is not an audit trail; a bucket in another region
/// is found through S3's redirect and the report is exported there; a wrong expectedBucketOwner is a clear condition.</summary>
public sealed class TrailAndBucketScenarios(TrailAndBucketWorld fixture) : IClassFixture<TrailAndBucketWorld>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    [Fact]
    public async Task A_trail_whose_selectors_exclude_management_events_makes_AuditTrailReady_False_until_they_are_restored()
    {
        await World.PersonJsonAsync(["cloudtrail", "put-event-selectors", "--trail-name", "e2e-west-trail",
            "--event-selectors", """[{"ReadWriteType":"All","IncludeManagementEvents":false}]"""], region: "us-west-2", ct: Ct);
        string Policy(string drift) => $"""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: trail-selectors
            spec:
              region: us-west-2
              documentName: E2E-Trail-Selectors
              driftCheckInterval: {drift}
            """;
        await World.ApplyAsync(Policy("5m"), ct: Ct);

        var policy = await World.WaitForConditionAsync("trail-selectors", "AuditTrailReady", "False", "TrailSkipsSessionCalls", ct: Ct);
        var message = (string?)PolicyWorld.Condition(policy, "AuditTrailReady")!["message"];
        Assert.Contains("arn:aws:cloudtrail:us-west-2:111122223333:trail/e2e-west-trail", message, StringComparison.Ordinal);
        Assert.Contains("IncludeManagementEvents=false", message, StringComparison.Ordinal);
        Assert.Contains("put-event-selectors", message, StringComparison.Ordinal);
        Assert.Contains(World.OperatorCalls(), c => c.Operation == "GetEventSelectors" && c.Region == "us-west-2");

        await World.PersonJsonAsync(["cloudtrail", "put-event-selectors", "--trail-name", "e2e-west-trail",
            "--advanced-event-selectors", """[{"Name":"management","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]"""], region: "us-west-2", ct: Ct);
        await World.ApplyAsync(Policy("6m"), ct: Ct);
        await World.WaitForConditionAsync("trail-selectors", "AuditTrailReady", "True", "TrailLogging", ct: Ct);
    }

    [Fact]
    public async Task A_bucket_in_another_region_is_found_through_the_redirect_and_the_report_is_exported_there()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: bucket-elsewhere
            spec:
              region: us-east-1
              documentName: E2E-Bucket-Elsewhere
              s3: {bucketName: e2e-eu-session-logs, keyPrefix: sessions/, expectedBucketOwner: "111122223333"}
              report:
                interval: 1h
                s3: {bucketName: e2e-eu-session-logs, keyPrefix: reports/}
            """, ct: Ct);

        var policy = await World.WaitForConditionAsync("bucket-elsewhere", "S3Ready", "True", "BucketReady", ct: Ct);
        Assert.Contains("in eu-west-1", (string?)PolicyWorld.Condition(policy, "S3Ready")!["message"], StringComparison.Ordinal);
        Assert.Equal("e2e-eu-session-logs", (string?)(await World.DocumentContentAsync("E2E-Bucket-Elsewhere", ct: Ct))["inputs"]!["s3BucketName"]);

        var listed = await Eventually.WaitAsync(
            () => World.PersonJsonAsync(["s3api", "list-objects-v2", "--bucket", "e2e-eu-session-logs", "--prefix", "reports/"], region: "eu-west-1", ct: Ct),
            l => l?["Contents"]?.AsArray().Count == 2, TimeSpan.FromSeconds(45), "report.json and report.html in eu-west-1", Ct);
        Assert.Equal(["reports/report.html", "reports/report.json"], listed!["Contents"]!.AsArray().Select(o => (string)o!["Key"]!).Order(StringComparer.Ordinal));
        // The operator asked us-east-1 first, was sent to eu-west-1, and kept asking there.
        var s3 = World.OperatorCalls().Where(c => c.Service == "s3").ToList();
        Assert.Contains(s3, c => c.Region == "us-east-1" && c.Status == 301);
        Assert.Contains(s3, c => c.Region == "eu-west-1" && c.Operation == "PutObject" && c.Status == 200);
    }

    [Fact]
    public async Task An_expected_bucket_owner_that_does_not_own_the_bucket_is_a_clear_condition()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: bucket-owner
            spec:
              region: eu-west-1
              documentName: E2E-Bucket-Owner
              s3: {bucketName: e2e-eu-session-logs, expectedBucketOwner: "999988887777"}
            """, ct: Ct);

        var policy = await World.WaitForConditionAsync("bucket-owner", "S3Ready", "False", "AccessDenied", ct: Ct);
        var message = (string?)PolicyWorld.Condition(policy, "S3Ready")!["message"];
        Assert.Contains("spec.s3.expectedBucketOwner 999988887777", message, StringComparison.Ordinal);
        Assert.Contains("another account owns the bucket", message, StringComparison.Ordinal);
        Assert.Equal("False", (string?)PolicyWorld.Condition(policy, "Ready")!["status"]);
    }
}
