using SessionAudit.Aws.Services.Events;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>A scope's role is assumed with the operator's own credentials, external id included, and its keys sign the scope's calls.</summary>
public sealed class AssumeRoleTests
{
    private const string AssumeRoleResponse = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey>
              <SessionToken>role-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
            <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::111122223333:assumed-role/audit/s</Arn></AssumedRoleUser>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """;

    [Fact]
    public async Task Role_and_external_id_are_sent_once_and_the_role_keys_sign_later_calls()
    {
        using var aws = new StubAws(r => r.ScopeService == "sts" ? RecordingHandler.Xml(AssumeRoleResponse) : RecordingHandler.Json("{}"));
        var scope = new AwsScope("us-east-2", "arn:aws:iam::111122223333:role/audit", "tenant-42");
        var clients = aws.Factory.Clients(scope);

        // Calls of a role go through the scope's RunAsync, which signs them as its session.
        foreach (var name in new[] { "a", "b" })
        {
            await clients.RunAsync(Configuration.AwsService.Events, "DeleteRule",
                ct => clients.Events.DeleteRuleAsync(new DeleteRuleRequest { Name = name }, ct), TestContext.Current.CancellationToken);
        }

        var sts = Assert.Single(aws.Handler.Requests, r => r.ScopeService == "sts");
        Assert.Equal("AKIDTEST", sts.ScopeAccessKey);
        Assert.Equal("us-east-2", sts.ScopeRegion);
        Assert.Contains("Action=AssumeRole", sts.Body, StringComparison.Ordinal);
        Assert.Contains("ExternalId=tenant-42", sts.Body, StringComparison.Ordinal);
        Assert.Contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Faudit", sts.Body, StringComparison.Ordinal);
        Assert.Contains("RoleSessionName=session-audit-operator", sts.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("DurationSeconds", sts.Body, StringComparison.Ordinal);
        var calls = aws.Handler.Requests.Where(r => r.ScopeService == "events").ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("ASIAROLE", c.ScopeAccessKey));
        Assert.All(calls, c => Assert.Equal("role-token", c.Header("X-Amz-Security-Token")));
    }

    [Fact]
    public async Task A_duration_other_than_the_default_hour_is_sent()
    {
        var options = StubAws.Fast with { AssumeRoleDuration = TimeSpan.FromMinutes(15) };
        using var aws = new StubAws(r => r.ScopeService == "sts" ? RecordingHandler.Xml(AssumeRoleResponse) : RecordingHandler.Json("{}"), options);

        var clients = aws.Factory.Clients(new AwsScope("us-east-2", "arn:aws:iam::111122223333:role/audit"));
        await clients.RunAsync(Configuration.AwsService.Events, "DeleteRule",
            ct => clients.Events.DeleteRuleAsync(new DeleteRuleRequest { Name = "a" }, ct), TestContext.Current.CancellationToken);

        var sts = Assert.Single(aws.Handler.Requests, r => r.ScopeService == "sts");
        Assert.Contains("DurationSeconds=900", sts.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("ExternalId", sts.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_role_the_base_credentials_sign_and_STS_is_not_called()
    {
        using var aws = new StubAws(_ => RecordingHandler.Json("{}"));

        await aws.Factory.Clients(new AwsScope("us-east-2")).Events.DeleteRuleAsync(new DeleteRuleRequest { Name = "a" }, TestContext.Current.CancellationToken);

        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal("AKIDTEST", request.ScopeAccessKey);
    }
}
