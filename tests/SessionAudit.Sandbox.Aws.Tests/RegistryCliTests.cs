using System.Text;

namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>SNS, Lambda, CodePipeline and STS through the AWS CLI.</summary>
public sealed class RegistryCliTests
{
    [Fact]
    public async Task Topics_functions_pipelines_and_identities_answer_as_in_AWS()
    {
        await using var sb = await Sandboxes.StartAsync(RepoFiles.ExampleSeed);
        var aws = new AwsCli(sb.Url, "AKIAACMEOPERATOR0001");

        var me = await aws.OkAsync("sts", "get-caller-identity");
        Assert.Equal("111122223333", me["Account"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::111122223333:user/session-audit-operator", me["Arn"]!.GetValue<string>());
        var assumed = await aws.OkAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::444455556666:role/session-audit", "--role-session-name", "operator", "--external-id", "acme");
        Assert.StartsWith("ASIA", assumed["Credentials"]!["AccessKeyId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("arn:aws:sts::444455556666:assumed-role/session-audit/operator", assumed["AssumedRoleUser"]!["Arn"]!.GetValue<string>());
        string jwt = "e30." + Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"sub":"system:serviceaccount:session-audit:operator","aud":"sts.amazonaws.com"}""")).TrimEnd('=') + ".sig";
        var web = await aws.OkAsync("sts", "assume-role-with-web-identity", "--role-arn", "arn:aws:iam::111122223333:role/irsa", "--role-session-name", "pod", "--web-identity-token", jwt);
        Assert.Equal("system:serviceaccount:session-audit:operator", web["SubjectFromWebIdentityToken"]!.GetValue<string>());

        var topic = await aws.OkAsync("sns", "create-topic", "--name", "ops-alerts");
        Assert.Equal("arn:aws:sns:us-east-1:111122223333:ops-alerts", topic["TopicArn"]!.GetValue<string>());
        var attrs = await aws.OkAsync("sns", "get-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:111122223333:session-activity");
        Assert.Equal("111122223333", attrs["Attributes"]!["Owner"]!.GetValue<string>());
        Assert.Equal(3, (await aws.OkAsync("sns", "list-topics"))["Topics"]!.AsArray().Count);
        await aws.OkAsync("sns", "publish", "--topic-arn", topic["TopicArn"]!.GetValue<string>(), "--message", "hello");
        Assert.Equal("hello", Assert.Single(sb.Deliveries).Payload);
        await aws.FailsAsync("NotFound", "sns", "get-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:111122223333:missing");

        var fn = await aws.OkAsync("lambda", "get-function", "--function-name", "session-auditor");
        Assert.Equal("arn:aws:lambda:us-east-1:111122223333:function:session-auditor", fn["Configuration"]!["FunctionArn"]!.GetValue<string>());
        string zip = Path.GetTempFileName();
        await File.WriteAllBytesAsync(zip, [0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], TestContext.Current.CancellationToken);
        var created = await aws.OkAsync("lambda", "create-function", "--function-name", "notifier", "--runtime", "python3.9", "--handler", "app.handler", "--role", "arn:aws:iam::111122223333:role/notifier", "--zip-file", "fileb://" + zip);
        File.Delete(zip);
        Assert.Equal("notifier", created["FunctionName"]!.GetValue<string>());
        await aws.FailsAsync("ResourceNotFoundException", "lambda", "get-function", "--function-name", "missing");

        var pipeline = await aws.OkAsync("codepipeline", "get-pipeline", "--name", "session-audit-remediation");
        Assert.Equal("arn:aws:codepipeline:us-east-1:111122223333:session-audit-remediation", pipeline["metadata"]!["pipelineArn"]!.GetValue<string>());
        await aws.FailsAsync("PipelineNotFoundException", "codepipeline", "get-pipeline", "--name", "missing");
    }
}
