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

/// <summary>Which session API calls a trail records, by its event selectors, logging status, regions and organization:
/// what decides whether StartSession/ResumeSession/TerminateSession reach EventBridge.</summary>
public sealed class TrailSelectorCliTests
{
    private const string Alice = "AKIAACMEALICE0000001";
    private const string Auditor = "AKIAACMEAUDIT0000001";

    private static async Task<Func<Task<int>>> SessionCallsAsync(AwsSandbox sb, AwsCli aws)
    {
        await aws.OkAsync("events", "put-rule", "--name", "session-activity", "--event-pattern", EventsCliTests.SessionPattern);
        await aws.OkAsync("events", "put-targets", "--rule", "session-activity", "--targets", """[{"Id":"sns","Arn":"arn:aws:sns:us-east-1:111122223333:session-activity"}]""");
        var history = await aws.OkAsync("ssm", "describe-sessions", "--state", "History", "--max-results", "1", "--no-paginate");
        string id = history["Sessions"]![0]!["SessionId"]!.GetValue<string>();

        // One TerminateSession call (a write management event from ssm.amazonaws.com); the answer is how many reached SNS in all.
        return async () =>
        {
            await aws.OkAsync("ssm", "terminate-session", "--session-id", id);
            return sb.Deliveries.Count;
        };
    }

    [Fact]
    public async Task Session_calls_reach_EventBridge_only_when_a_logging_trail_selects_write_management_events()
    {
        await using var sb = await Sandboxes.StartAsync(RepoFiles.ExampleSeed);
        var aws = new AwsCli(sb.Url, Alice);
        var call = await SessionCallsAsync(sb, aws);
        const string trail = "management-events";

        var defaults = await aws.OkAsync("cloudtrail", "get-event-selectors", "--trail-name", trail);
        Assert.True(defaults["EventSelectors"]![0]!["IncludeManagementEvents"]!.GetValue<bool>());
        Assert.Equal(1, await call());

        await aws.OkAsync("cloudtrail", "put-event-selectors", "--trail-name", trail, "--event-selectors", """[{"ReadWriteType":"ReadOnly","IncludeManagementEvents":true}]""");
        Assert.Equal(1, await call());
        Assert.True((await aws.OkAsync("cloudtrail", "describe-trails", "--trail-name-list", trail))["trailList"]![0]!["HasCustomEventSelectors"]!.GetValue<bool>());

        await aws.OkAsync("cloudtrail", "put-event-selectors", "--trail-name", trail, "--event-selectors", """[{"ReadWriteType":"All","IncludeManagementEvents":false}]""");
        Assert.Equal(1, await call());

        await aws.OkAsync("cloudtrail", "put-event-selectors", "--trail-name", trail, "--event-selectors", """[{"ReadWriteType":"WriteOnly","IncludeManagementEvents":true,"ExcludeManagementEventSources":["kms.amazonaws.com"]}]""");
        Assert.Equal(2, await call());

        // Advanced selectors replace the basic ones; a selector matches when all its fields do.
        var put = await aws.OkAsync("cloudtrail", "put-event-selectors", "--trail-name", trail, "--advanced-event-selectors",
            """[{"Name":"reads only","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"readOnly","Equals":["true"]}]}]""");
        Assert.Equal("reads only", put["AdvancedEventSelectors"]![0]!["Name"]!.GetValue<string>());
        var advanced = await aws.OkAsync("cloudtrail", "get-event-selectors", "--trail-name", trail);
        Assert.Null(advanced["EventSelectors"]);
        Assert.Equal(2, await call());

        await aws.OkAsync("cloudtrail", "put-event-selectors", "--trail-name", trail, "--advanced-event-selectors",
            """[{"Name":"s3 data","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]""");
        Assert.Equal(2, await call());

        await aws.OkAsync("cloudtrail", "put-event-selectors", "--trail-name", trail, "--advanced-event-selectors",
            """[{"Name":"s3 data","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]}]},{"Name":"management","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}]}]""");
        Assert.Equal(3, await call());

        // What CloudTrail refuses: both kinds at once, excluding a source other than KMS or RDS Data API, another home region.
        await aws.FailsAsync("InvalidEventSelectorsException", "cloudtrail", "put-event-selectors", "--trail-name", trail,
            "--event-selectors", """[{"ReadWriteType":"All"}]""", "--advanced-event-selectors", """[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]""");
        await aws.FailsAsync("InvalidEventSelectorsException", "cloudtrail", "put-event-selectors", "--trail-name", trail,
            "--event-selectors", """[{"ReadWriteType":"All","ExcludeManagementEventSources":["ssm.amazonaws.com"]}]""");
        await aws.FailsAsync("InvalidEventSelectorsException", "cloudtrail", "put-event-selectors", "--trail-name", trail,
            "--advanced-event-selectors", """[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"eventSource","NotEquals":["ssm.amazonaws.com"]}]}]""");
        await aws.FailsAsync("InvalidHomeRegionException", "cloudtrail", "put-event-selectors", "--region", "eu-west-1", "--trail-name", trail,
            "--event-selectors", """[{"ReadWriteType":"All"}]""");
        Assert.Equal(4, await call());
    }

    [Fact]
    public async Task Multi_region_and_organization_trails_record_for_the_regions_and_accounts_they_cover()
    {
        await using var sb = await Sandboxes.StartAsync(RepoFiles.ExampleSeed);
        var aws = new AwsCli(sb.Url, Alice);
        var call = await SessionCallsAsync(sb, aws);
        await aws.OkAsync("cloudtrail", "stop-logging", "--name", "management-events");
        Assert.Equal(0, await call());

        // A single-region trail elsewhere does not cover us-east-1; a multi-region one does.
        var eu = aws.In("eu-west-1");
        await eu.OkAsync("cloudtrail", "create-trail", "--name", "eu-only", "--s3-bucket-name", "acme-cloudtrail");
        await eu.OkAsync("cloudtrail", "start-logging", "--name", "eu-only");
        Assert.Equal(0, await call());
        await eu.OkAsync("cloudtrail", "create-trail", "--name", "eu-everywhere", "--s3-bucket-name", "acme-cloudtrail", "--is-multi-region-trail");
        await eu.OkAsync("cloudtrail", "start-logging", "--name", "eu-everywhere");
        Assert.Equal(1, await call());
        await eu.OkAsync("cloudtrail", "stop-logging", "--name", "eu-everywhere");

        // An organization trail of another account records for this one, which sees it but may not read its status.
        var org = new AwsCli(sb.Url, Auditor);
        await org.OkAsync("s3api", "create-bucket", "--bucket", "acme-org-trail");
        var created = await org.OkAsync("cloudtrail", "create-trail", "--name", "organization", "--s3-bucket-name", "acme-org-trail", "--is-multi-region-trail", "--is-organization-trail");
        string arn = created["TrailARN"]!.GetValue<string>();
        Assert.True(created["IsOrganizationTrail"]!.GetValue<bool>());
        await org.OkAsync("cloudtrail", "start-logging", "--name", "organization");
        Assert.Equal(2, await call());

        var seen = (await aws.OkAsync("cloudtrail", "describe-trails"))["trailList"]!.AsArray().Single(t => t!["TrailARN"]!.GetValue<string>() == arn)!;
        Assert.True(seen["IsOrganizationTrail"]!.GetValue<bool>());
        await aws.FailsAsync("CloudTrailARNInvalidException", "cloudtrail", "get-trail-status", "--name", arn);
        await aws.FailsAsync("CloudTrailARNInvalidException", "cloudtrail", "get-event-selectors", "--trail-name", arn);
        Assert.True((await org.OkAsync("cloudtrail", "get-trail-status", "--name", arn))["IsLogging"]!.GetValue<bool>());

        await org.OkAsync("cloudtrail", "put-event-selectors", "--trail-name", "organization", "--event-selectors", """[{"ReadWriteType":"ReadOnly"}]""");
        Assert.Equal(2, await call());
    }
}
