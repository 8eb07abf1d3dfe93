using System.Text.Json;
using k8s.Models;
using SessionAudit.Operator.Resources;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>A spec the domain cannot read becomes an error message naming the field, never an exception.</summary>
public sealed class PolicyMappingTests
{
    private static SessionLoggingPolicyResource Resource(string specJson) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", Uid = "u-1", Generation = 4, CreationTimestamp = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc) },
        Spec = JsonDocument.Parse(specJson).RootElement.Clone(),
    };

    [Fact]
    public void A_readable_spec_maps_to_the_domain_with_its_metadata()
    {
        Assert.True(PolicyMapping.TryToDomain(Resource("""{"region":"us-east-1","s3":{"bucketName":"b1"}}"""), out var policy, out var error));

        Assert.Null(error);
        Assert.Equal("us-east-1", policy!.Spec.Region);
        Assert.Equal("b1", policy.Spec.S3!.BucketName);
        Assert.Equal(4, policy.Metadata.Generation);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), policy.Metadata.CreationTimestamp);
    }

    [Fact]
    public void A_wrongly_typed_field_is_named_in_the_error()
    {
        Assert.False(PolicyMapping.TryToDomain(Resource("""{"region":"us-east-1","session":{"idleTimeoutMinutes":"soon"}}"""), out var policy, out var error));

        Assert.Null(policy);
        Assert.Contains("session.idleTimeoutMinutes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_spec_is_an_error_not_an_exception()
    {
        var resource = Resource("{}");
        resource.Spec = null;

        Assert.False(PolicyMapping.TryToDomain(resource, out _, out var error));
        Assert.Contains("spec", error, StringComparison.Ordinal);
    }
}
