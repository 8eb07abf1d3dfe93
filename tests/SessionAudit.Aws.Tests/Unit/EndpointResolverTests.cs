using SessionAudit.Aws.Configuration;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_&lt;SERVICE_ID&gt; as the SDKs read them.</summary>
public sealed class EndpointResolverTests
{
    private static AwsEndpointResolver With(params (string Key, string Value)[] env)
    {
        var map = env.ToDictionary(e => e.Key, e => e.Value);
        return new AwsEndpointResolver(k => map.GetValueOrDefault(k));
    }

    [Theory]
    [InlineData("ssm", "AWS_ENDPOINT_URL_SSM")]
    [InlineData("s3", "AWS_ENDPOINT_URL_S3")]
    [InlineData("kms", "AWS_ENDPOINT_URL_KMS")]
    [InlineData("sts", "AWS_ENDPOINT_URL_STS")]
    [InlineData("logs", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS")]
    [InlineData("events", "AWS_ENDPOINT_URL_EVENTBRIDGE")]
    [InlineData("cloudtrail", "AWS_ENDPOINT_URL_CLOUDTRAIL")]
    [InlineData("sns", "AWS_ENDPOINT_URL_SNS")]
    [InlineData("lambda", "AWS_ENDPOINT_URL_LAMBDA")]
    [InlineData("codepipeline", "AWS_ENDPOINT_URL_CODEPIPELINE")]
    public void Service_variable_is_named_from_the_model_service_id(string service, string variable)
    {
        var all = new[] { AwsService.Ssm, AwsService.S3, AwsService.Kms, AwsService.Sts, AwsService.Logs, AwsService.Events,
            AwsService.CloudTrail, AwsService.Sns, AwsService.Lambda, AwsService.CodePipeline };
        Assert.Equal(variable, all.Single(s => s.Name == service).EndpointVariable);
    }

    [Fact]
    public void Service_specific_variable_wins_over_the_global_one()
    {
        var resolver = With(("AWS_ENDPOINT_URL", "http://global:1"), ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://logs:2"));

        Assert.Equal(new Uri("http://logs:2"), resolver.Resolve(AwsService.Logs, "us-east-1"));
        Assert.Equal(new Uri("http://global:1"), resolver.Resolve(AwsService.Events, "us-east-1"));
    }

    [Fact]
    public void Without_variables_the_public_regional_endpoint_is_used()
    {
        var resolver = With();

        Assert.Null(resolver.Configured(AwsService.Events));
        Assert.Equal(new Uri("https://events.eu-central-1.amazonaws.com/"), resolver.Resolve(AwsService.Events, "eu-central-1"));
        Assert.Equal(new Uri("https://logs.cn-north-1.amazonaws.com.cn/"), resolver.Resolve(AwsService.Logs, "cn-north-1"));
    }

    [Fact]
    public void Ignore_configured_endpoints_switches_the_variables_off()
    {
        var resolver = With(("AWS_ENDPOINT_URL", "http://global:1"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

        Assert.Null(resolver.Configured(AwsService.Ssm));
    }
}
