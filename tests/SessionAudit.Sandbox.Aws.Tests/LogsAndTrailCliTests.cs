namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>CloudWatch Logs log groups and CloudTrail trails through the AWS CLI.</summary>
public sealed class LogsAndTrailCliTests
{
    [Fact]
    public async Task Log_groups_carry_their_kms_key_and_page_by_prefix()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        string keyArn = (await aws.OkAsync("kms", "create-key"))["KeyMetadata"]!["Arn"]!.GetValue<string>();

        await aws.OkAsync("logs", "create-log-group", "--log-group-name", "/ssm/sessions", "--kms-key-id", keyArn);
        await aws.OkAsync("logs", "create-log-group", "--log-group-name", "/ssm/other");
        await aws.OkAsync("logs", "create-log-group", "--log-group-name", "/app/web");
        await aws.FailsAsync("ResourceAlreadyExistsException", "logs", "create-log-group", "--log-group-name", "/ssm/sessions");
        await aws.FailsAsync("InvalidParameterException", "logs", "create-log-group", "--log-group-name", "/ssm/bad-key", "--kms-key-id", "alias/session-manager");

        var ssm = await aws.OkAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/ssm/");
        var groups = ssm["logGroups"]!.AsArray();
        Assert.Equal(["/ssm/other", "/ssm/sessions"], groups.Select(g => g!["logGroupName"]!.GetValue<string>()));
        Assert.Equal(keyArn, groups[1]!["kmsKeyId"]!.GetValue<string>());
        Assert.Null(groups[0]!["kmsKeyId"]);

        var page = await aws.OkAsync("logs", "describe-log-groups", "--limit", "2", "--no-paginate");
        Assert.Equal(2, page["logGroups"]!.AsArray().Count);
        Assert.NotNull(page["nextToken"]);

        await aws.OkAsync("logs", "associate-kms-key", "--log-group-name", "/ssm/other", "--kms-key-id", keyArn);
        await aws.OkAsync("logs", "disassociate-kms-key", "--log-group-name", "/ssm/sessions");
        var after = await aws.OkAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/ssm/");
        Assert.Equal(keyArn, after["logGroups"]![0]!["kmsKeyId"]!.GetValue<string>());
        Assert.Null(after["logGroups"]![1]!["kmsKeyId"]);

        await aws.OkAsync("logs", "delete-log-group", "--log-group-name", "/app/web");
        await aws.FailsAsync("ResourceNotFoundException", "logs", "delete-log-group", "--log-group-name", "/app/web");
        await aws.FailsAsync("InvalidParameterException", "logs", "describe-log-groups", "--log-group-name-prefix", "/ssm", "--log-group-name-pattern", "ssm");
    }

    [Fact]
    public async Task Trails_start_and_stop_logging_and_report_status()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        await aws.FailsAsync("S3BucketDoesNotExistException", "cloudtrail", "create-trail", "--name", "management", "--s3-bucket-name", "acme-trail");
        await aws.OkAsync("s3api", "create-bucket", "--bucket", "acme-trail");
        var trail = await aws.OkAsync("cloudtrail", "create-trail", "--name", "management", "--s3-bucket-name", "acme-trail", "--is-multi-region-trail");
        Assert.Equal("arn:aws:cloudtrail:us-east-1:000000000000:trail/management", trail["TrailARN"]!.GetValue<string>());
        await aws.FailsAsync("TrailAlreadyExistsException", "cloudtrail", "create-trail", "--name", "management", "--s3-bucket-name", "acme-trail");

        Assert.False((await aws.OkAsync("cloudtrail", "get-trail-status", "--name", "management"))["IsLogging"]!.GetValue<bool>());
        await aws.OkAsync("cloudtrail", "start-logging", "--name", "management");
        Assert.True((await aws.OkAsync("cloudtrail", "get-trail-status", "--name", "management"))["IsLogging"]!.GetValue<bool>());

        // A multi-region trail shows up in the other regions as a shadow trail.
        var shadow = await aws.In("eu-west-1").OkAsync("cloudtrail", "describe-trails");
        Assert.Equal("us-east-1", shadow["trailList"]![0]!["HomeRegion"]!.GetValue<string>());

        var selectors = await aws.OkAsync("cloudtrail", "get-event-selectors", "--trail-name", "management");
        Assert.Equal("All", selectors["EventSelectors"]![0]!["ReadWriteType"]!.GetValue<string>());
        await aws.OkAsync("cloudtrail", "stop-logging", "--name", "management");
        await aws.FailsAsync("TrailNotFoundException", "cloudtrail", "get-trail-status", "--name", "nope");
    }
}
