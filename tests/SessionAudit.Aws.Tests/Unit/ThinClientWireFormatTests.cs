using System.Net;
using System.Text.Json;
using SessionAudit.Aws.Services.CloudTrail;
using SessionAudit.Aws.Services.CodePipeline;
using SessionAudit.Aws.Services.Events;
using SessionAudit.Aws.Services.Logs;
using SessionAudit.Aws.Tests.Support;
using AwsScope = SessionAudit.Policy.Ports.AwsScope;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>What the thin clients put on the wire: protocol headers, model member names, SigV4 scope.</summary>
public sealed class ThinClientWireFormatTests
{
    private static readonly AwsScope Scope = new("eu-west-1");

    [Fact]
    public async Task EventBridge_PutRule_sends_json11_with_target_model_members_and_events_scope()
    {
        using var aws = new StubAws(_ => RecordingHandler.Json("""{"RuleArn":"arn:aws:events:eu-west-1:1:rule/r"}"""));
        var response = await aws.Factory.Clients(Scope).Events.PutRuleAsync(
            new PutRuleRequest { Name = "r", EventPattern = """{"source":["aws.ssm"]}""", State = "ENABLED", Description = "d" },
            TestContext.Current.CancellationToken);

        Assert.Equal("arn:aws:events:eu-west-1:1:rule/r", response.RuleArn);
        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/", request.Uri.AbsolutePath);
        Assert.Equal("AWSEvents.PutRule", request.Header("X-Amz-Target"));
        Assert.StartsWith("application/x-amz-json-1.1", request.Header("Content-Type"));
        Assert.Equal("events", request.ScopeService);
        Assert.Equal("eu-west-1", request.ScopeRegion);
        Assert.Equal("AKIDTEST", request.ScopeAccessKey);
        Assert.NotNull(request.Header("X-Amz-Date"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(["Name", "EventPattern", "State", "Description"], body.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task EventBridge_PutTargets_writes_RunCommandParameters_as_the_model_names_them()
    {
        using var aws = new StubAws(_ => RecordingHandler.Json("""{"FailedEntryCount":0,"FailedEntries":[]}"""));
        await aws.Factory.Clients(Scope).Events.PutTargetsAsync(new PutTargetsRequest
        {
            Rule = "r",
            Targets =
            [
                new Target
                {
                    Id = "t1",
                    Arn = "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript",
                    RoleArn = "arn:aws:iam::1:role/x",
                    RunCommandParameters = new RunCommandParameters { RunCommandTargets = [new RunCommandTarget { Key = "InstanceIds", Values = ["i-1"] }] },
                },
            ],
        }, TestContext.Current.CancellationToken);

        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal("AWSEvents.PutTargets", request.Header("X-Amz-Target"));
        Assert.Equal(
            """{"Rule":"r","Targets":[{"Id":"t1","Arn":"arn:aws:ssm:eu-west-1::document/AWS-RunShellScript","RoleArn":"arn:aws:iam::1:role/x","RunCommandParameters":{"RunCommandTargets":[{"Key":"InstanceIds","Values":["i-1"]}]}}]}""",
            request.Body);
    }

    [Fact]
    public async Task Logs_DescribeLogGroups_uses_camel_case_members_and_logs_scope()
    {
        using var aws = new StubAws(_ => RecordingHandler.Json("""{"logGroups":[{"logGroupName":"/ssm/x","kmsKeyId":"arn:k"}],"nextToken":"n"}"""));
        var page = await aws.Factory.Clients(Scope).Logs.DescribeLogGroupsAsync(
            new DescribeLogGroupsRequest { LogGroupNamePrefix = "/ssm/x", Limit = 50 }, TestContext.Current.CancellationToken);

        Assert.Equal("arn:k", Assert.Single(page.LogGroups!).KmsKeyId);
        Assert.Equal("n", page.NextToken);
        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal("Logs_20140328.DescribeLogGroups", request.Header("X-Amz-Target"));
        Assert.Equal("logs", request.ScopeService);
        Assert.Equal("""{"logGroupNamePrefix":"/ssm/x","limit":50}""", request.Body);
    }

    [Fact]
    public async Task CloudTrail_uses_its_long_target_prefix_and_cloudtrail_scope()
    {
        using var aws = new StubAws(r => r.Header("X-Amz-Target")!.EndsWith("DescribeTrails", StringComparison.Ordinal)
            ? RecordingHandler.Json("""{"trailList":[{"Name":"t","TrailARN":"arn:t","HomeRegion":"eu-west-1","IsMultiRegionTrail":true}]}""")
            : RecordingHandler.Json("""{"IsLogging":true,"StartLoggingTime":1.7E9}"""));
        var clients = aws.Factory.Clients(Scope);
        var trails = await clients.CloudTrail.DescribeTrailsAsync(new DescribeTrailsRequest { IncludeShadowTrails = true }, TestContext.Current.CancellationToken);
        var status = await clients.CloudTrail.GetTrailStatusAsync(new GetTrailStatusRequest { Name = "arn:t" }, TestContext.Current.CancellationToken);

        Assert.Equal("arn:t", Assert.Single(trails.TrailList!).TrailARN);
        Assert.True(status.IsLogging);
        Assert.Equal("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails", aws.Handler.Requests[0].Header("X-Amz-Target"));
        Assert.Equal("""{"includeShadowTrails":true}""", aws.Handler.Requests[0].Body);
        Assert.Equal("""{"Name":"arn:t"}""", aws.Handler.Requests[1].Body);
        Assert.All(aws.Handler.Requests, r => Assert.Equal("cloudtrail", r.ScopeService));
    }

    [Fact]
    public async Task CodePipeline_GetPipeline_sends_lower_case_name()
    {
        using var aws = new StubAws(_ => RecordingHandler.Json("""{"pipeline":{"name":"p","roleArn":"arn:r","stages":[]},"metadata":{"pipelineArn":"arn:p"}}"""));
        var response = await aws.Factory.Clients(Scope).CodePipeline.GetPipelineAsync(new GetPipelineRequest { Name = "p" }, TestContext.Current.CancellationToken);

        Assert.Equal("arn:p", response.Metadata!.PipelineArn);
        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal("CodePipeline_20150709.GetPipeline", request.Header("X-Amz-Target"));
        Assert.Equal("""{"name":"p"}""", request.Body);
        Assert.Equal("codepipeline", request.ScopeService);
    }

    [Fact]
    public async Task Sns_GetTopicAttributes_posts_a_query_form_and_reads_the_attribute_map()
    {
        using var aws = new StubAws(_ => RecordingHandler.Xml("""
            <GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <GetTopicAttributesResult><Attributes>
                <entry><key>TopicArn</key><value>arn:aws:sns:eu-west-1:1:t</value></entry>
                <entry><key>Owner</key><value>1</value></entry>
              </Attributes></GetTopicAttributesResult>
              <ResponseMetadata><RequestId>x</RequestId></ResponseMetadata>
            </GetTopicAttributesResponse>
            """));
        var attributes = await aws.Factory.Clients(Scope).Sns.GetTopicAttributesAsync("arn:aws:sns:eu-west-1:1:t", TestContext.Current.CancellationToken);

        Assert.Equal("1", attributes["Owner"]);
        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"));
        Assert.Equal("Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A1%3At", request.Body);
        Assert.Equal("sns", request.ScopeService);
        Assert.Null(request.Header("X-Amz-Target"));
    }

    [Fact]
    public async Task Lambda_GetFunction_gets_the_escaped_function_path_with_lambda_scope()
    {
        using var aws = new StubAws(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"Configuration":{"FunctionName":"f","FunctionArn":"arn:aws:lambda:eu-west-1:1:function:f","State":"Active"}}"""),
        });
        var response = await aws.Factory.Clients(Scope).Lambda.GetFunctionAsync("arn:aws:lambda:eu-west-1:1:function:f", null, TestContext.Current.CancellationToken);

        Assert.Equal("Active", response.Configuration!.State);
        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A1%3Afunction%3Af", request.Uri.AbsolutePath);
        Assert.Equal("lambda", request.ScopeService);
    }

    [Fact]
    public async Task Session_credentials_send_the_security_token()
    {
        using var aws = new StubAws(_ => RecordingHandler.Json("{}"),
            credentials: new Amazon.Runtime.SessionAWSCredentials("ASIATEST", "secret", "the-token"));
        await aws.Factory.Clients(Scope).Events.DeleteRuleAsync(new DeleteRuleRequest { Name = "r" }, TestContext.Current.CancellationToken);

        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal("the-token", request.Header("X-Amz-Security-Token"));
        Assert.Equal("ASIATEST", request.ScopeAccessKey);
    }

    [Fact]
    public async Task Json_error_is_read_from_type_without_namespace()
    {
        using var aws = new StubAws(_ => RecordingHandler.JsonError("com.amazonaws.events#ResourceNotFoundException", "Rule r does not exist."));
        var error = await Assert.ThrowsAsync<Transport.AwsServiceException>(() =>
            aws.Factory.Clients(Scope).Events.DescribeRuleAsync(new DescribeRuleRequest { Name = "r" }, TestContext.Current.CancellationToken));

        Assert.Equal("ResourceNotFoundException", error.Code);
        Assert.Equal("Rule r does not exist.", error.ErrorMessage);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task Query_error_is_read_from_ErrorResponse()
    {
        using var aws = new StubAws(_ => RecordingHandler.Xml("""
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error>
              <RequestId>r</RequestId>
            </ErrorResponse>
            """, HttpStatusCode.NotFound));
        var error = await Assert.ThrowsAsync<Transport.AwsServiceException>(() =>
            aws.Factory.Clients(Scope).Sns.GetTopicAttributesAsync("arn:aws:sns:eu-west-1:1:none", TestContext.Current.CancellationToken));

        Assert.Equal("NotFound", error.Code);
        Assert.Equal("Topic does not exist", error.ErrorMessage);
    }

    [Fact]
    public async Task RestJson_error_is_read_from_the_error_type_header()
    {
        using var aws = new StubAws(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"Type":"User","message":"Function not found"}""") };
            response.Headers.TryAddWithoutValidation("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awslambda/");
            return response;
        });
        var error = await Assert.ThrowsAsync<Transport.AwsServiceException>(() =>
            aws.Factory.Clients(Scope).Lambda.GetFunctionAsync("nope", null, TestContext.Current.CancellationToken));

        Assert.Equal("ResourceNotFoundException", error.Code);
        Assert.Equal("Function not found", error.ErrorMessage);
    }
}
