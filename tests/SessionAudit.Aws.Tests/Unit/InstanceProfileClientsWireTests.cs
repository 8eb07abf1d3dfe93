using System.Net;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Tests.Support;
using AwsScope = SessionAudit.Policy.Ports.AwsScope;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>The EC2 and IAM thin clients on the wire: the ec2 protocol's flattened lists and Result-less answer, and IAM's
/// global signing region.</summary>
public sealed class InstanceProfileClientsWireTests
{
    private static readonly AwsScope Scope = new("eu-west-1");

    [Fact]
    public async Task Ec2_DescribeIamInstanceProfileAssociations_sends_flattened_filters_and_reads_items()
    {
        using var aws = new StubAws(_ => RecordingHandler.Xml("""
            <DescribeIamInstanceProfileAssociationsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>r</requestId>
              <iamInstanceProfileAssociationSet>
                <item><associationId>iip-assoc-1</associationId><instanceId>i-1</instanceId>
                  <iamInstanceProfile><arn>arn:aws:iam::111122223333:instance-profile/web</arn><id>AIPA1</id></iamInstanceProfile>
                  <state>associated</state></item>
              </iamInstanceProfileAssociationSet>
              <nextToken>page-2</nextToken>
            </DescribeIamInstanceProfileAssociationsResponse>
            """));
        var page = await aws.Factory.Clients(Scope).Ec2.DescribeIamInstanceProfileAssociationsAsync(["i-1", "i-2"], null, TestContext.Current.CancellationToken);

        var association = Assert.Single(page.Associations);
        Assert.Equal(("i-1", "arn:aws:iam::111122223333:instance-profile/web", "associated"), (association.InstanceId, association.InstanceProfileArn, association.State));
        Assert.Equal("page-2", page.NextToken);
        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(
            "Action=DescribeIamInstanceProfileAssociations&Version=2016-11-15&Filter.1.Name=instance-id&Filter.1.Value.1=i-1&Filter.1.Value.2=i-2"
            + "&Filter.2.Name=state&Filter.2.Value.1=associated&MaxResults=1000",
            request.Body);
        Assert.Equal("ec2", request.ScopeService);
        Assert.Equal("eu-west-1", request.ScopeRegion);
    }

    [Fact]
    public async Task Ec2_errors_are_read_from_Response_Errors()
    {
        using var aws = new StubAws(_ => RecordingHandler.Xml("""
            <Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r</RequestID></Response>
            """, HttpStatusCode.Forbidden));
        var error = await Assert.ThrowsAsync<Transport.AwsServiceException>(() =>
            aws.Factory.Clients(Scope).Ec2.DescribeIamInstanceProfileAssociationsAsync(["i-1"], "t", TestContext.Current.CancellationToken));

        Assert.Equal("UnauthorizedOperation", error.Code);
        Assert.Contains("NextToken=t", Assert.Single(aws.Handler.Requests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Iam_GetInstanceProfile_reads_the_role_and_is_signed_for_the_partitions_iam_region()
    {
        using var aws = new StubAws(_ => RecordingHandler.Xml("""
            <GetInstanceProfileResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <GetInstanceProfileResult><InstanceProfile>
                <Path>/</Path><InstanceProfileName>web</InstanceProfileName><InstanceProfileId>AIPA1</InstanceProfileId>
                <Arn>arn:aws:iam::111122223333:instance-profile/web</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate>
                <Roles><member><Path>/</Path><RoleName>ec2-ssm</RoleName><RoleId>AROA1</RoleId>
                  <Arn>arn:aws:iam::111122223333:role/ec2-ssm</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Roles>
              </InstanceProfile></GetInstanceProfileResult>
              <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
            </GetInstanceProfileResponse>
            """));
        var roles = await aws.Factory.Clients(Scope).Iam.GetInstanceProfileRolesAsync("web", TestContext.Current.CancellationToken);

        Assert.Equal(["arn:aws:iam::111122223333:role/ec2-ssm"], roles);
        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal("Action=GetInstanceProfile&Version=2010-05-08&InstanceProfileName=web", request.Body);
        Assert.Equal("iam", request.ScopeService);
        Assert.Equal("us-east-1", request.ScopeRegion);
    }

    [Theory]
    [InlineData("eu-west-1", "https://iam.amazonaws.com/", "us-east-1")]
    [InlineData("cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("us-gov-east-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1")]
    public void Iam_has_one_endpoint_per_partition(string region, string endpoint, string signingRegion)
    {
        var (uri, signing) = new AwsEndpointResolver(_ => null).ResolveIam(region);
        Assert.Equal(new Uri(endpoint), uri);
        Assert.Equal(signingRegion, signing);
    }
}
