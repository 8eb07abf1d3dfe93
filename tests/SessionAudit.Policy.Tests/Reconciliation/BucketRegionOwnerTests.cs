using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>S3Ready for a bucket in another region than the policy, and with spec.s3.expectedBucketOwner.</summary>
public sealed class BucketRegionOwnerTests
{
    [Fact]
    public async Task A_bucket_in_another_region_is_ready_and_the_message_says_where_it_is()
    {
        var s = new Scenario();
        s.Aws.Buckets[Scenario.Bucket] = new BucketInfo(Scenario.Bucket, true, "AES256") { Region = "eu-west-1" };

        await s.RunAsync();

        var s3 = s.Condition(ConditionTypes.S3Ready);
        Assert.Equal(("True", "BucketReady"), (s3.Status, s3.Reason));
        Assert.Contains("in eu-west-1 (not the policy's us-east-1", s3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expected_owner_that_does_not_own_the_bucket_holds_the_S3_settings_and_says_why()
    {
        var s = new Scenario(spec => spec with { S3 = spec.S3! with { ExpectedBucketOwner = "999988887777" } });
        s.Aws.BucketOwners[Scenario.Bucket] = FakeAws.Account;

        await s.RunAsync();

        var s3 = s.Condition(ConditionTypes.S3Ready);
        Assert.Equal(("False", "AccessDenied"), (s3.Status, s3.Reason));
        Assert.Contains("spec.s3.expectedBucketOwner 999988887777", s3.Message, StringComparison.Ordinal);
        Assert.Contains("another account owns the bucket", s3.Message, StringComparison.Ordinal);
        Assert.Equal("False", s.Condition(ConditionTypes.Ready).Status);

        s.Spec = s.Spec with { S3 = s.Spec.S3! with { ExpectedBucketOwner = FakeAws.Account } };
        await s.RunAsync();
        Assert.Equal("True", s.Condition(ConditionTypes.S3Ready).Status);
        Assert.Contains($"owned by {FakeAws.Account}", s.Condition(ConditionTypes.S3Ready).Message, StringComparison.Ordinal);
    }
}
