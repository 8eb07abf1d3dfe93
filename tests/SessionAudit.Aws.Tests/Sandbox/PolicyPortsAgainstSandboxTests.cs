using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>Every Policy port against the AWS sandbox, which holds each request to the botocore model.</summary>
public sealed class PolicyPortsAgainstSandboxTests(SandboxFixture fixture)
{
    private const string Region = "eu-west-1";
    private static readonly AwsScope Scope = new(Region);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Preferences = """
        {"schemaVersion":"1.0","description":"v","sessionType":"Standard_Stream",
         "inputs":{"s3BucketName":"","s3EncryptionEnabled":true,"cloudWatchLogGroupName":"","cloudWatchEncryptionEnabled":true,
                   "cloudWatchStreamingEnabled":true,"kmsKeyId":"","runAsEnabled":false,"runAsDefaultUser":"","idleSessionTimeout":"20",
                   "maxSessionDuration":"","shellProfile":{"windows":"","linux":""}}}
        """;

    [Fact]
    public async Task Preferences_document_is_created_updated_as_latest_promoted_and_read_at_its_default_version()
    {
        using var account = fixture.NewAccount();
        var documents = account.Factory.For(Scope).Documents;
        const string name = "SSM-SessionManagerRunShell";
        var v2 = Preferences.Replace("\"idleSessionTimeout\":\"20\"", "\"idleSessionTimeout\":\"15\"", StringComparison.Ordinal);

        Assert.Null(await documents.GetAsync(name, Ct));
        Assert.Equal("1", await documents.CreateAsync(name, Preferences, null, Ct));
        var exists = await Assert.ThrowsAsync<AwsFailure>(() => documents.CreateAsync(name, Preferences, null, Ct));
        Assert.Equal((AwsFailureKind.Conflict, "DocumentAlreadyExists"), (exists.Kind, exists.Code));

        Assert.Equal("2", await documents.UpdateAsync(name, v2, null, Ct));
        var beforePromotion = await documents.GetAsync(name, Ct);
        Assert.Equal(("1", null), (beforePromotion!.DefaultVersion, beforePromotion.LatestVersion));
        Assert.Equal("2", (await documents.ListVersionsAsync(name, Ct))[0].Version);
        Assert.Contains("\"20\"", beforePromotion.Content, StringComparison.Ordinal);

        await documents.SetDefaultVersionAsync(name, "2", Ct);
        var promoted = await documents.GetAsync(name, Ct);
        Assert.Equal("2", promoted!.DefaultVersion);
        Assert.True((await documents.ListVersionsAsync(name, Ct))[0].IsDefault);
        Assert.Contains("\"15\"", promoted.Content, StringComparison.Ordinal);

        Assert.Null(await documents.UpdateAsync(name, v2, null, Ct));
        Assert.Contains("\"20\"", await documents.GetVersionContentAsync(name, "1", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_equal_to_any_earlier_version_is_refused_and_versions_are_listed_newest_first_with_their_names()
    {
        using var account = fixture.NewAccount();
        var documents = account.Factory.For(Scope).Documents;
        const string name = "Revert-Prefs";
        var b = Preferences.Replace("\"idleSessionTimeout\":\"20\"", "\"idleSessionTimeout\":\"15\"", StringComparison.Ordinal);
        var c = Preferences.Replace("\"idleSessionTimeout\":\"20\"", "\"idleSessionTimeout\":\"10\"", StringComparison.Ordinal);

        Assert.Equal("1", await documents.CreateAsync(name, Preferences, "session-audit-a", Ct));
        Assert.Equal("2", await documents.UpdateAsync(name, b, "session-audit-b", Ct));
        Assert.Equal("3", await documents.UpdateAsync(name, c, null, Ct));
        // Version 1 is neither $LATEST nor the default, and SSM still refuses its content.
        Assert.Null(await documents.UpdateAsync(name, Preferences, "session-audit-a2", Ct));

        var versions = await documents.ListVersionsAsync(name, Ct);
        Assert.Equal(["3", "2", "1"], versions.Select(v => v.Version));
        Assert.Equal([null, "session-audit-b", "session-audit-a"], versions.Select(v => v.VersionName));
        Assert.Equal([false, false, true], versions.Select(v => v.IsDefault));

        await documents.DeleteVersionAsync(name, "2", Ct);
        Assert.Equal(["3", "1"], (await documents.ListVersionsAsync(name, Ct)).Select(v => v.Version));
        var defaultVersion = await Assert.ThrowsAsync<AwsFailure>(() => documents.DeleteVersionAsync(name, "1", Ct));
        Assert.Equal("InvalidDocumentOperation", defaultVersion.Code);
    }

    [Fact]
    public async Task A_document_stored_as_YAML_is_read_as_JSON_and_every_read_names_the_document_type()
    {
        using var account = fixture.NewAccount("""
            - name: eu-west-1
              documents:
                - name: Yaml-Prefs
                  type: Session
                  format: YAML
                  content: |
                    schemaVersion: '1.0'
                    description: saved as YAML
                    sessionType: Standard_Stream
                    inputs:
                      s3BucketName: yaml-bucket
                      s3EncryptionEnabled: true
                      idleSessionTimeout: '20'
                - name: Run-Things
                  type: Command
                  format: JSON
                  content: '{"schemaVersion":"2.2","mainSteps":[{"action":"aws:runShellScript","name":"run","inputs":{"runCommand":["true"]}}]}'
            """);
        var documents = account.Factory.For(Scope).Documents;

        var yaml = await documents.GetAsync("Yaml-Prefs", Ct);
        var content = System.Text.Json.Nodes.JsonNode.Parse(yaml!.Content)!;
        Assert.Equal("yaml-bucket", (string?)content["inputs"]!["s3BucketName"]);
        Assert.True((bool)content["inputs"]!["s3EncryptionEnabled"]!);
        Assert.Equal("Session", yaml.DocumentType);
        Assert.Equal("yaml-bucket", (string?)System.Text.Json.Nodes.JsonNode.Parse(await documents.GetVersionContentAsync("Yaml-Prefs", "1", Ct))!["inputs"]!["s3BucketName"]);

        Assert.Equal("Command", (await documents.GetAsync("Run-Things", Ct))!.DocumentType);
    }

    [Fact]
    public async Task Invalid_document_content_is_an_Invalid_failure()
    {
        using var account = fixture.NewAccount();
        var failure = await Assert.ThrowsAsync<AwsFailure>(() =>
            account.Factory.For(Scope).Documents.CreateAsync("SSM-SessionManagerRunShell", """{"schemaVersion":"2.2","sessionType":"Standard_Stream"}""", null, Ct));

        Assert.Equal(AwsFailureKind.Invalid, failure.Kind);
    }

    [Fact]
    public async Task Buckets_report_default_encryption_or_its_absence_and_missing_buckets_are_null()
    {
        using var account = fixture.NewAccount($"""
            - name: {Region}
              buckets:
                - name: logs-encrypted
                  encryption: AES256
                - name: logs-kms
                  encryption: aws:kms
                  kmsKey: alias/aws/s3
                - name: logs-plain
            """);
        var buckets = account.Factory.For(Scope).Buckets;

        var encrypted = await buckets.DescribeAsync("logs-encrypted", Ct);
        var kms = await buckets.DescribeAsync("logs-kms", Ct);
        var plain = await buckets.DescribeAsync("logs-plain", Ct);

        Assert.Equal(new BucketInfo("logs-encrypted", true, "AES256"), encrypted);
        Assert.Equal(("aws:kms", true), (kms!.SseAlgorithm, kms.DefaultEncryption));
        Assert.Equal(new BucketInfo("logs-plain", false), plain);
        Assert.Null(await buckets.DescribeAsync("no-such-bucket-here", Ct));
    }

    [Fact]
    public async Task Log_group_is_found_by_exact_name_only_with_its_key()
    {
        using var account = fixture.NewAccount($"""
            - name: {Region}
              keys:
                - alias: logs-key
              logGroups:
                - name: /ssm/sessions-extra
                - name: /ssm/sessions
                  kmsKey: alias/logs-key
                - name: /ssm/plain
            """);
        var groups = account.Factory.For(Scope).LogGroups;

        var sessions = await groups.DescribeAsync("/ssm/sessions", Ct);
        var plain = await groups.DescribeAsync("/ssm/plain", Ct);

        Assert.StartsWith($"arn:aws:kms:{Region}:{account.AccountId}:key/", sessions!.KmsKeyId);
        Assert.Equal(new LogGroupInfo("/ssm/plain", null), plain);
        Assert.Null(await groups.DescribeAsync("/ssm/session", Ct));
    }

    [Fact]
    public async Task Keys_are_described_by_alias_with_manager_state_spec_and_usage()
    {
        using var account = fixture.NewAccount($"""
            - name: {Region}
              keys:
                - alias: sessions
                - alias: retired
                  state: Disabled
                - alias: mac
                  keySpec: HMAC_256
                  keyUsage: GENERATE_VERIFY_MAC
            """);
        var keys = account.Factory.For(Scope).Keys;

        var awsManaged = await keys.DescribeAsync("alias/aws/ssm", Ct);
        var customer = await keys.DescribeAsync("alias/sessions", Ct);
        var disabled = await keys.DescribeAsync("alias/retired", Ct);

        Assert.Equal((KmsKeyManager.Aws, true), (awsManaged!.KeyManager, awsManaged.Enabled));
        Assert.Equal((KmsKeyManager.Customer, "Enabled"), (customer!.KeyManager, customer.KeyState));
        Assert.StartsWith($"arn:aws:kms:{Region}:{account.AccountId}:key/", customer.Arn);
        Assert.False(disabled!.Enabled);
        Assert.Null(await keys.DescribeAsync("alias/none", Ct));
        Assert.Equal(("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"), (customer.KeySpec, customer.KeyUsage));
        var mac = await keys.DescribeAsync("alias/mac", Ct);
        Assert.Equal(("HMAC_256", "GENERATE_VERIFY_MAC"), (mac!.KeySpec, mac.KeyUsage));
    }

    [Fact]
    public async Task Grants_are_created_listed_across_pages_and_revoked_idempotently()
    {
        using var account = fixture.NewAccount($"""
            - name: {Region}
              keys:
                - alias: sessions
            """);
        var env = account.Factory.For(Scope);
        var key = (await env.Keys.DescribeAsync("alias/sessions", Ct))!;
        const string role = "arn:aws:iam::123456789012:role/ssm-instance";
        var ids = new List<string>();
        for (var i = 0; i < 105; i++)
        {
            ids.Add(await env.Grants.CreateAsync(key.Arn, role, ["Decrypt", "GenerateDataKey"], $"session-audit-{i}", Ct));
        }

        var grants = await env.Grants.ListAsync(key.Arn, Ct);
        Assert.Equal(105, grants.Count);
        Assert.Equal(ids.Order(), grants.Select(g => g.GrantId).Order());
        var first = grants.Single(g => g.Name == "session-audit-0");
        Assert.Equal(role, first.GranteePrincipal);
        Assert.Equal(["Decrypt", "GenerateDataKey"], first.Operations.Order());
        Assert.True(account.Calls.Count(c => c.Operation == "ListGrants") >= 2, "ListGrants must have been paged");

        await env.Grants.RetireAsync(key.Arn, first.GrantId, Ct);
        await env.Grants.RetireAsync(key.Arn, first.GrantId, Ct);
        Assert.DoesNotContain(await env.Grants.ListAsync(key.Arn, Ct), g => g.GrantId == first.GrantId);
    }

    [Fact]
    public async Task A_logging_trail_is_found_in_its_region_and_through_multi_region_trails()
    {
        using var account = fixture.NewAccount("""
            - name: eu-west-1
              buckets:
                - name: trail-bucket
              trails:
                - name: management
                  bucket: trail-bucket
            - name: eu-central-1
              trails:
                - name: stopped
                  bucket: trail-bucket
                  logging: false
            - name: us-west-2
              trails:
                - name: everywhere
                  bucket: trail-bucket
                  multiRegion: true
            """);

        var own = await account.Factory.For(new AwsScope("eu-west-1")).Trails.GetAuditTrailAsync(TimeSpan.Zero, Ct);
        var stopped = await account.Factory.For(new AwsScope("eu-central-1")).Trails.GetAuditTrailAsync(TimeSpan.Zero, Ct);

        Assert.True(own.Logging);
        Assert.EndsWith(":trail/management", own.TrailArn);
        Assert.True(stopped.Logging, "the multi-region trail from us-west-2 logs in eu-central-1 too");
        Assert.EndsWith(":trail/everywhere", stopped.TrailArn);
    }

    [Fact]
    public async Task Without_a_logging_trail_the_region_is_not_audited()
    {
        using var account = fixture.NewAccount("""
            - name: eu-central-1
              buckets:
                - name: trail-bucket
              trails:
                - name: stopped
                  bucket: trail-bucket
                  logging: false
            """);

        var info = await account.Factory.For(new AwsScope("eu-central-1")).Trails.GetAuditTrailAsync(TimeSpan.Zero, Ct);

        Assert.False(info.Logging);
        Assert.Null(info.TrailArn);
        Assert.False(Assert.Single(info.Trails).Logging);
    }

    [Fact]
    public async Task An_unreadable_organization_trail_does_not_hide_a_logging_one_and_the_selectors_decide()
    {
        // Its own sandbox: an organization trail covers every account of the world.
        await using var sandbox = await global::SessionAudit.Sandbox.Aws.AwsSandbox.StartAsync(new global::SessionAudit.Sandbox.Aws.AwsSandboxOptions { Port = 0 }, Ct);
        using var member = SandboxAccount.Create(sandbox, "210999000001", """
            - name: eu-west-1
              buckets:
                - name: member-trail-bucket
              trails:
                - name: management
                  bucket: member-trail-bucket
            """, null);
        using var management = SandboxAccount.Create(sandbox, "210999000002", """
            - name: us-east-1
              buckets:
                - name: org-trail-bucket
            """, null);
        var org = management.Factory.Clients(new AwsScope("us-east-1")).CloudTrail.Protocol;
        await org.InvokeRawAsync("CreateTrail", """{"Name":"organization","S3BucketName":"org-trail-bucket","IsMultiRegionTrail":true,"IsOrganizationTrail":true}""", Ct);
        await org.InvokeRawAsync("StartLogging", """{"Name":"organization"}""", Ct);
        var trails = member.Factory.For(Scope).Trails;
        var own = member.Factory.Clients(Scope).CloudTrail.Protocol;

        // The member's own trail records no write management events: the organization trail is looked at too, cannot be
        // read from the member account, and is kept as a reading with its failure.
        await own.InvokeRawAsync("PutEventSelectors", """{"TrailName":"management","EventSelectors":[{"ReadWriteType":"ReadOnly","IncludeManagementEvents":true}]}""", Ct);
        var info = await trails.GetAuditTrailAsync(TimeSpan.Zero, Ct);
        Assert.False(info.Logging);
        var unreadable = Assert.Single(info.Trails, t => t.Failure is not null);
        Assert.True(unreadable.Organization);
        Assert.Equal(("GetTrailStatus", "CloudTrailARNInvalidException"), (unreadable.FailedRead, unreadable.Failure!.Code));
        var skipping = Assert.Single(info.Trails, t => t.Selectors is not null);
        Assert.Contains("ReadWriteType=ReadOnly", skipping.Selectors!.MissingSessionCalls(), StringComparison.Ordinal);

        // Selecting management events again: the unreadable trail does not stop the own trail from verifying.
        await own.InvokeRawAsync("PutEventSelectors", """{"TrailName":"management","AdvancedEventSelectors":[{"Name":"management","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]}""", Ct);
        info = await trails.GetAuditTrailAsync(TimeSpan.Zero, Ct);
        Assert.True(info.Logging);
        Assert.EndsWith("210999000001:trail/management", info.TrailArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_targets_exist_or_not_per_kind()
    {
        using var account = fixture.NewAccount($"""
            - name: {Region}
              topics:
                - name: session-alerts
              functions:
                - name: session-hook
              pipelines:
                - name: remediate
            """);
        var targets = account.Factory.For(Scope).AlertTargets;
        var prefix = $"{Region}:{account.AccountId}";

        Assert.True(await targets.ExistsAsync(AlertTargetKind.SnsTopic, $"arn:aws:sns:{prefix}:session-alerts", Ct));
        Assert.False(await targets.ExistsAsync(AlertTargetKind.SnsTopic, $"arn:aws:sns:{prefix}:missing", Ct));
        Assert.True(await targets.ExistsAsync(AlertTargetKind.LambdaFunction, $"arn:aws:lambda:{prefix}:function:session-hook", Ct));
        Assert.False(await targets.ExistsAsync(AlertTargetKind.LambdaFunction, $"arn:aws:lambda:{prefix}:function:missing", Ct));
        Assert.True(await targets.ExistsAsync(AlertTargetKind.CodePipeline, $"arn:aws:codepipeline:{prefix}:remediate", Ct));
        Assert.False(await targets.ExistsAsync(AlertTargetKind.CodePipeline, $"arn:aws:codepipeline:{prefix}:missing", Ct));
    }

    [Fact]
    public async Task Topic_and_function_policies_are_read_and_the_operators_permission_added_and_removed()
    {
        using var account = fixture.NewAccount($"""
            - name: {Region}
              topics:
                - name: session-alerts
                - name: sealed
                  kmsMasterKeyId: alias/aws/sns
                - name: ordered.fifo
              functions:
                - name: session-hook
            """);
        var targets = account.Factory.For(Scope).AlertTargets;
        var prefix = $"{Region}:{account.AccountId}";
        var topicArn = $"arn:aws:sns:{prefix}:session-alerts";
        var functionArn = $"arn:aws:lambda:{prefix}:function:session-hook";
        var ruleArn = $"arn:aws:events:{prefix}:rule/session-audit-prod";

        var topic = await targets.GetTopicAsync(topicArn, Ct);
        Assert.NotNull(topic);
        Assert.Contains("__default_statement_ID", topic.Policy, StringComparison.Ordinal);
        Assert.Null(topic.KmsMasterKeyId);
        Assert.False(topic.Fifo);
        Assert.Equal("alias/aws/sns", (await targets.GetTopicAsync($"arn:aws:sns:{prefix}:sealed", Ct))!.KmsMasterKeyId);
        Assert.True((await targets.GetTopicAsync($"arn:aws:sns:{prefix}:ordered.fifo", Ct))!.Fifo);
        Assert.Null(await targets.GetTopicAsync($"arn:aws:sns:{prefix}:missing", Ct));

        var merged = TargetPermissions.WithStatement(topic.Policy, "session-audit-prod", TargetPermissions.TopicStatement("session-audit-prod", topicArn, ruleArn));
        await targets.SetTopicPolicyAsync(topicArn, merged, Ct);
        Assert.Equal(merged, (await targets.GetTopicAsync(topicArn, Ct))!.Policy);

        Assert.Equal(new FunctionAccess(functionArn, null), await targets.GetFunctionPolicyAsync(functionArn, Ct));
        Assert.Null(await targets.GetFunctionPolicyAsync($"arn:aws:lambda:{prefix}:function:missing", Ct));
        await targets.AddFunctionPermissionAsync(functionArn, "session-audit-prod", ruleArn, Ct);
        var function = await targets.GetFunctionPolicyAsync(functionArn, Ct);
        Assert.True(TargetPermissions.Allows(function!.Policy, TargetPermissions.LambdaInvoke, [functionArn], ruleArn, account.AccountId));
        var again = await Assert.ThrowsAsync<AwsFailure>(() => targets.AddFunctionPermissionAsync(functionArn, "session-audit-prod", ruleArn, Ct));
        Assert.Equal(AwsFailureKind.Conflict, again.Kind);
        await targets.RemoveFunctionPermissionAsync(functionArn, "session-audit-prod", Ct);
        await targets.RemoveFunctionPermissionAsync(functionArn, "session-audit-prod", Ct);
        Assert.Null((await targets.GetFunctionPolicyAsync(functionArn, Ct))!.Policy);
    }

    [Fact]
    public async Task Rules_and_targets_round_trip_and_failed_entries_are_failures()
    {
        using var account = fixture.NewAccount($"""
            - name: {Region}
              topics:
                - name: session-alerts
            """);
        var rules = account.Factory.For(Scope).Rules;
        const string pattern = """{"source":["aws.ssm"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ssm.amazonaws.com"],"eventName":["StartSession","ResumeSession","TerminateSession"]}}""";
        var topic = $"arn:aws:sns:{Region}:{account.AccountId}:session-alerts";

        Assert.Null(await rules.DescribeAsync("session-activity", Ct));
        var arn = await rules.PutAsync(new EventRuleDefinition("session-activity", pattern, "ENABLED", "managed-by: session-audit"), Ct);
        var rule = await rules.DescribeAsync("session-activity", Ct);
        Assert.Equal(new EventRuleInfo("session-activity", arn, pattern, "ENABLED", "managed-by: session-audit"), rule);

        await rules.PutTargetsAsync("session-activity", [new EventTarget("sns", topic),
            new EventTarget("run", $"arn:aws:ssm:{Region}::document/AWS-RunShellScript", "arn:aws:iam::123456789012:role/events",
                [new RunCommandTarget("InstanceIds", ["i-0123456789abcdef0"])], """{"commands":["uptime"]}""")], Ct);
        var listed = await rules.ListTargetsAsync("session-activity", Ct);
        Assert.Equal(["run", "sns"], listed.Select(t => t.Id).Order());
        Assert.Equal(["i-0123456789abcdef0"], listed.Single(t => t.Id == "run").RunCommandTargets!.Single().Values);
        Assert.Equal("""{"commands":["uptime"]}""", listed.Single(t => t.Id == "run").Input);

        var tooMany = Enumerable.Range(0, 6).Select(i => new EventTarget($"t{i}", topic)).ToArray();
        var limit = await Assert.ThrowsAsync<AwsFailure>(() => rules.PutTargetsAsync("session-activity", tooMany, Ct));
        Assert.Equal(AwsFailureKind.Invalid, limit.Kind);

        await rules.RemoveTargetsAsync("session-activity", ["sns", "run"], Ct);
        Assert.Empty(await rules.ListTargetsAsync("session-activity", Ct));
        await rules.DeleteAsync("session-activity", Ct);
        await rules.DeleteAsync("session-activity", Ct);
        Assert.Null(await rules.DescribeAsync("session-activity", Ct));
    }

    [Fact]
    public async Task A_rule_with_targets_cannot_be_deleted()
    {
        using var account = fixture.NewAccount($"""
            - name: {Region}
              topics:
                - name: t
            """);
        var rules = account.Factory.For(Scope).Rules;
        await rules.PutAsync(new EventRuleDefinition("r", """{"source":["aws.ssm"]}""", "ENABLED", "d"), Ct);
        await rules.PutTargetsAsync("r", [new EventTarget("sns", $"arn:aws:sns:{Region}:{account.AccountId}:t")], Ct);

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => rules.DeleteAsync("r", Ct));

        Assert.Equal(AwsFailureKind.Invalid, failure.Kind);
        Assert.NotNull(await rules.DescribeAsync("r", Ct));
    }

    [Fact]
    public async Task Caller_identity_is_the_account_of_the_credentials()
    {
        using var account = fixture.NewAccount();

        Assert.Equal(account.AccountId, await account.Factory.For(Scope).Identity.GetAccountIdAsync(Ct));
    }

    [Fact]
    public async Task Every_call_is_counted_by_service_operation_and_outcome()
    {
        using var account = fixture.NewAccount();
        using var metrics = new MetricRecorder(account.Metrics.Meter);
        var env = account.Factory.For(Scope);

        await env.Keys.DescribeAsync("alias/none", Ct);
        await env.LogGroups.DescribeAsync("/none", Ct);

        Assert.Equal(1, metrics.Sum("sessionaudit.aws.calls", "DescribeKey", "not_found"));
        Assert.Equal(1, metrics.Sum("sessionaudit.aws.calls", "DescribeLogGroups", "success"));
    }
}
