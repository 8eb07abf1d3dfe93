using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>What the stand-in's SSM Agent writes to S3 and CloudWatch Logs when a session ends, seen through the AWS CLI.</summary>
public sealed class SessionLogsCliTests : IDisposable
{
    private const string Alice = "AKIAACMEALICE0000001";
    private const string CustomerKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string GrantedRole = "arn:aws:iam::111122223333:role/app-logs-granted";
    private const string Granted = "i-0aaaaaaaaaaaa0001";
    private const string NotGranted = "i-0aaaaaaaaaaaa0002";

    private const string Seed = $$"""
        accessKeys:
          {{Alice}}: arn:aws:iam::111122223333:user/alice
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - {id: {{CustomerKeyId}}, alias: alias/session-logs, description: session logs}
                  - {alias: alias/cw-logs, description: CloudWatch session logs}
                  - {alias: alias/cw-retired, description: disabled, state: Disabled}
                buckets:
                  - {name: logs-customer-key, encryption: "aws:kms", kmsKey: alias/session-logs}
                  - {name: logs-aws-key, encryption: "aws:kms"}
                  - {name: logs-sse-s3, encryption: AES256}
                  - {name: logs-unencrypted, encryption: none}
                logGroups:
                  - {name: /ssm/encrypted, kmsKey: alias/cw-logs}
                  - {name: /ssm/plain}
                  - {name: /ssm/retired-key, kmsKey: alias/cw-retired}
                instances:
                  - {id: {{Granted}}, iamRole: "{{GrantedRole}}", computerName: app-1}
                  - {id: {{NotGranted}}, iamRole: "arn:aws:iam::111122223333:role/app-logs-plain", computerName: app-2}
        """;

    private readonly string pluginDir = Directory.CreateTempSubdirectory("ssm-plugin-").FullName;

    public void Dispose() => Directory.Delete(pluginDir, recursive: true);

    private static string Preferences(string bucket = "", string prefix = "", bool s3Encryption = false, string group = "", bool cwEncryption = false, bool streaming = false, string idle = "20", string max = "") =>
        new JsonObject
        {
            ["schemaVersion"] = "1.0",
            ["description"] = "Document to hold regional settings for Session Manager",
            ["sessionType"] = "Standard_Stream",
            ["inputs"] = new JsonObject
            {
                ["s3BucketName"] = bucket,
                ["s3KeyPrefix"] = prefix,
                ["s3EncryptionEnabled"] = s3Encryption,
                ["cloudWatchLogGroupName"] = group,
                ["cloudWatchEncryptionEnabled"] = cwEncryption,
                ["cloudWatchStreamingEnabled"] = streaming,
                ["kmsKeyId"] = "",
                ["runAsEnabled"] = false,
                ["runAsDefaultUser"] = "",
                ["idleSessionTimeout"] = idle,
                ["maxSessionDuration"] = max,
                ["shellProfile"] = new JsonObject { ["windows"] = "", ["linux"] = "" },
            },
        }.ToJsonString();

    private static async Task<AwsCli> WorldAsync(AwsSandbox sb, string preferences)
    {
        var aws = new AwsCli(sb.Url, Alice);
        await aws.OkAsync("ssm", "create-document", "--name", "SSM-SessionManagerRunShell", "--document-type", "Session", "--content", preferences);
        return aws;
    }

    /// <summary>start-session without session-manager-plugin: the CLI calls StartSession, cannot run the plugin and calls
    /// TerminateSession (awscli/customizations/sessionmanager.py); that ends the session. Returns its id.</summary>
    private static async Task<string> SessionWithoutPluginAsync(AwsCli aws, string target, string? document = null)
    {
        var args = new List<string> { "ssm", "start-session", "--target", target };
        if (document is not null) args.AddRange(["--document-name", document]);
        var r = await aws.WithEnv("PATH", "/usr/bin:/bin").RunAsync([.. args]);
        Assert.True(r.ExitCode != 0, "start-session should fail without the plugin");
        Assert.Contains("SessionManagerPlugin is not found", r.Stderr, StringComparison.Ordinal);
        var history = await aws.OkAsync("ssm", "describe-sessions", "--state", "History", "--filters", $"key=Target,value={target}");
        var newest = history["Sessions"]!.AsArray()[0]!;
        Assert.Equal("Terminated", newest["Status"]!.GetValue<string>());
        return newest["SessionId"]!.GetValue<string>();
    }

    private static async Task<List<string>> KeysAsync(AwsCli aws, string bucket, string prefix = "")
    {
        var listed = await aws.OkAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", prefix);
        return listed["Contents"] is JsonArray a ? [.. a.Select(o => o!["Key"]!.GetValue<string>())] : [];
    }

    private async Task<string> BodyAsync(AwsCli aws, string bucket, string key)
    {
        string file = Path.Combine(pluginDir, "object.log");
        var head = await aws.OkAsync("s3api", "get-object", "--bucket", bucket, "--key", key, file);
        Assert.Equal("text/plain", head["ContentType"]!.GetValue<string>());
        return File.ReadAllText(file);
    }

    private static async Task<List<string>> StreamsAsync(AwsCli aws, string group, string prefix)
    {
        var d = prefix.Length == 0
            ? await aws.OkAsync("logs", "describe-log-streams", "--log-group-name", group)
            : await aws.OkAsync("logs", "describe-log-streams", "--log-group-name", group, "--log-stream-name-prefix", prefix);
        return [.. d["logStreams"]!.AsArray().Select(s => s!["logStreamName"]!.GetValue<string>())];
    }

    [Fact]
    public async Task A_role_with_a_grant_on_the_buckets_customer_key_gets_the_transcript_at_prefix_slash_id_dot_log()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = await WorldAsync(sb, Preferences(bucket: "logs-customer-key", prefix: "sessions", s3Encryption: true));
        await aws.OkAsync("kms", "create-grant", "--key-id", CustomerKeyId, "--grantee-principal", GrantedRole, "--operations", "GenerateDataKey", "Decrypt");

        string id = await SessionWithoutPluginAsync(aws, Granted);

        // fileutil.BuildS3Path = path.Join(prefix, id + ".log"): a prefix without a trailing slash gets one.
        Assert.Equal([$"sessions/{id}.log"], await KeysAsync(aws, "logs-customer-key", "sessions/"));
        string body = await BodyAsync(aws, "logs-customer-key", $"sessions/{id}.log");
        Assert.Contains(id, body, StringComparison.Ordinal);
        Assert.Contains(Granted, body, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::111122223333:user/alice", body, StringComparison.Ordinal);
        var head = await aws.OkAsync("s3api", "head-object", "--bucket", "logs-customer-key", "--key", $"sessions/{id}.log");
        Assert.Equal("aws:kms", head["ServerSideEncryption"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_grant_on_the_customer_key_no_object_is_written()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = await WorldAsync(sb, Preferences(bucket: "logs-customer-key", prefix: "sessions/", s3Encryption: true));
        // A grant for another role, and one for this role that does not allow GenerateDataKey, do not help.
        await aws.OkAsync("kms", "create-grant", "--key-id", CustomerKeyId, "--grantee-principal", GrantedRole, "--operations", "GenerateDataKey");
        await aws.OkAsync("kms", "create-grant", "--key-id", CustomerKeyId, "--grantee-principal", "arn:aws:iam::111122223333:role/app-logs-plain", "--operations", "Decrypt");

        await SessionWithoutPluginAsync(aws, NotGranted);
        Assert.Empty(await KeysAsync(aws, "logs-customer-key"));

        // The same preferences on the instance whose role holds the grant do write.
        string id = await SessionWithoutPluginAsync(aws, Granted);
        Assert.Equal([$"sessions/{id}.log"], await KeysAsync(aws, "logs-customer-key"));
    }

    [Fact]
    public async Task Required_s3_encryption_on_an_unencrypted_bucket_refuses_the_session_logs_entirely()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = await WorldAsync(sb, Preferences(bucket: "logs-unencrypted", prefix: "refused/", s3Encryption: true, group: "/ssm/plain"));
        string refused = await SessionWithoutPluginAsync(aws, Granted);
        Assert.Empty(await KeysAsync(aws, "logs-unencrypted"));
        // The agent's check fails the session, so CloudWatch gets nothing either.
        Assert.Empty(await StreamsAsync(aws, "/ssm/plain", refused));

        // Without the encryption requirement the same bucket takes the log.
        await aws.OkAsync("ssm", "update-document", "--name", "SSM-SessionManagerRunShell", "--document-version", "$LATEST", "--content", Preferences(bucket: "logs-unencrypted", prefix: "open/"));
        await aws.OkAsync("ssm", "update-document-default-version", "--name", "SSM-SessionManagerRunShell", "--document-version", "2");
        string id = await SessionWithoutPluginAsync(aws, Granted);
        Assert.Equal([$"open/{id}.log"], await KeysAsync(aws, "logs-unencrypted"));
    }

    [Fact]
    public async Task An_aws_managed_key_or_sse_s3_needs_no_grant()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = await WorldAsync(sb, Preferences(bucket: "logs-aws-key", prefix: "", s3Encryption: true));
        string id = await SessionWithoutPluginAsync(aws, NotGranted);
        Assert.Equal([$"{id}.log"], await KeysAsync(aws, "logs-aws-key"));
        var head = await aws.OkAsync("s3api", "head-object", "--bucket", "logs-aws-key", "--key", $"{id}.log");
        Assert.Equal("aws:kms", head["ServerSideEncryption"]!.GetValue<string>());

        await aws.OkAsync("ssm", "update-document", "--name", "SSM-SessionManagerRunShell", "--document-version", "$LATEST", "--content", Preferences(bucket: "logs-sse-s3", prefix: "a//b/", s3Encryption: true));
        await aws.OkAsync("ssm", "update-document-default-version", "--name", "SSM-SessionManagerRunShell", "--document-version", "2");
        string second = await SessionWithoutPluginAsync(aws, NotGranted);
        Assert.Equal([$"a/b/{second}.log"], await KeysAsync(aws, "logs-sse-s3"));
    }

    [Fact]
    public async Task CloudWatch_gets_a_stream_named_the_session_id_only_where_the_rules_allow()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = await WorldAsync(sb, Preferences(group: "/ssm/encrypted", cwEncryption: true));
        string id = await SessionWithoutPluginAsync(aws, NotGranted);
        Assert.Equal([id], await StreamsAsync(aws, "/ssm/encrypted", id));
        var events = await aws.OkAsync("logs", "get-log-events", "--log-group-name", "/ssm/encrypted", "--log-stream-name", id, "--start-from-head");
        string message = Assert.Single(events["events"]!.AsArray())!["message"]!.GetValue<string>();
        Assert.Contains($"session {id} target {NotGranted}", message, StringComparison.Ordinal);

        async Task<string> WithAsync(string preferences)
        {
            await aws.OkAsync("ssm", "update-document", "--name", "SSM-SessionManagerRunShell", "--document-version", "$LATEST", "--content", preferences);
            var latest = await aws.OkAsync("ssm", "describe-document", "--name", "SSM-SessionManagerRunShell", "--document-version", "$LATEST");
            await aws.OkAsync("ssm", "update-document-default-version", "--name", "SSM-SessionManagerRunShell", "--document-version", latest["Document"]!["DocumentVersion"]!.GetValue<string>());
            return await SessionWithoutPluginAsync(aws, NotGranted);
        }

        // Encryption required, group without a key: nothing.
        string plainRequired = await WithAsync(Preferences(group: "/ssm/plain", cwEncryption: true));
        Assert.Empty(await StreamsAsync(aws, "/ssm/plain", plainRequired));

        // Encryption not required: the plain group takes it; streaming sends structured events.
        string streamed = await WithAsync(Preferences(group: "/ssm/plain", streaming: true));
        Assert.Equal([streamed], await StreamsAsync(aws, "/ssm/plain", streamed));
        var structured = await aws.OkAsync("logs", "get-log-events", "--log-group-name", "/ssm/plain", "--log-stream-name", streamed);
        var evt = JsonNode.Parse(Assert.Single(structured["events"]!.AsArray())!["message"]!.GetValue<string>())!;
        Assert.Equal(streamed, evt["sessionId"]!.GetValue<string>());
        Assert.Equal(NotGranted, evt["target"]!["id"]!.GetValue<string>());

        // A group whose key is disabled takes no events, and a group that does not exist gets no stream.
        string retired = await WithAsync(Preferences(group: "/ssm/retired-key"));
        Assert.Empty(await StreamsAsync(aws, "/ssm/retired-key", retired));
        await WithAsync(Preferences(group: "/ssm/missing"));
        await aws.FailsAsync("ResourceNotFoundException", "logs", "describe-log-streams", "--log-group-name", "/ssm/missing");
    }

    [Fact]
    public async Task Port_forwarding_and_ssh_sessions_are_not_logged()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = await WorldAsync(sb, Preferences(bucket: "logs-sse-s3", prefix: "port/", group: "/ssm/plain"));
        foreach (string document in new[] { "AWS-StartPortForwardingSession", "AWS-StartPortForwardingSessionToRemoteHost", "AWS-StartSSHSession" })
        {
            string id = await SessionWithoutPluginAsync(aws, Granted, document);
            Assert.Empty(await StreamsAsync(aws, "/ssm/plain", id));
        }

        Assert.Empty(await KeysAsync(aws, "logs-sse-s3"));

        // A shell session with the same preferences is logged to both.
        string shell = await SessionWithoutPluginAsync(aws, Granted);
        Assert.Equal([$"port/{shell}.log"], await KeysAsync(aws, "logs-sse-s3"));
        Assert.Equal([shell], await StreamsAsync(aws, "/ssm/plain", ""));
    }

    [Fact]
    public async Task The_preferences_of_the_session_start_apply_when_it_ends()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = await WorldAsync(sb, Preferences(bucket: "logs-sse-s3", prefix: "at-start/", group: "/ssm/plain"));
        string plugin = Path.Combine(pluginDir, "session-manager-plugin");
        File.WriteAllText(plugin, $"#!/bin/sh\nprintf '%s' \"$1\" > '{pluginDir}/response.json'\nexit 0\n");
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the AWS CLI tests run on Linux");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var withPlugin = aws.WithEnv("PATH", pluginDir + ":/usr/bin:/bin");
        var started = await withPlugin.RunAsync("ssm", "start-session", "--target", Granted);
        Assert.True(started.ExitCode == 0, started.Stderr);
        string id = JsonNode.Parse(File.ReadAllText(Path.Combine(pluginDir, "response.json")))!["SessionId"]!.GetValue<string>();
        Assert.Empty(await KeysAsync(aws, "logs-sse-s3"));

        // Preferences change while the session runs: another prefix and group, made the default.
        await aws.OkAsync("ssm", "update-document", "--name", "SSM-SessionManagerRunShell", "--document-version", "$LATEST", "--content", Preferences(bucket: "logs-sse-s3", prefix: "changed/", group: "/ssm/encrypted"));
        await aws.OkAsync("ssm", "update-document-default-version", "--name", "SSM-SessionManagerRunShell", "--document-version", "2");
        await aws.OkAsync("ssm", "terminate-session", "--session-id", id);

        Assert.Equal([$"at-start/{id}.log"], await KeysAsync(aws, "logs-sse-s3"));
        Assert.Equal([id], await StreamsAsync(aws, "/ssm/plain", id));
        Assert.Empty(await StreamsAsync(aws, "/ssm/encrypted", id));

        // Terminating again writes nothing more.
        await aws.OkAsync("ssm", "terminate-session", "--session-id", id);
        var events = await aws.OkAsync("logs", "get-log-events", "--log-group-name", "/ssm/plain", "--log-stream-name", id);
        Assert.Single(events["events"]!.AsArray());
    }

    /// <summary>start-session with a stand-in session-manager-plugin that only records the response: the session stays open.</summary>
    private async Task<string> OpenSessionAsync(AwsCli aws, string target)
    {
        string plugin = Path.Combine(pluginDir, "session-manager-plugin");
        File.WriteAllText(plugin, $"#!/bin/sh\nprintf '%s' \"$1\" > '{pluginDir}/response.json'\nexit 0\n");
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the AWS CLI tests run on Linux");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var started = await aws.WithEnv("PATH", pluginDir + ":/usr/bin:/bin").RunAsync("ssm", "start-session", "--target", target);
        Assert.True(started.ExitCode == 0, started.Stderr);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(pluginDir, "response.json")))!["SessionId"]!.GetValue<string>();
    }

    private static async Task<JsonNode?> SessionAsync(AwsCli aws, string state, string id) =>
        (await aws.OkAsync("ssm", "describe-sessions", "--state", state, "--filters", $"key=SessionId,value={id}"))["Sessions"]!.AsArray().SingleOrDefault();

    private static DateTimeOffset Date(JsonNode? session, string field) =>
        DateTimeOffset.Parse(session![field]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Minute(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    [Fact]
    public async Task An_idle_session_ends_after_the_idle_timeout_of_its_start_and_is_logged()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Minute(DateTimeOffset.UtcNow));
        await using var sb = await Sandboxes.StartAsync(Seed, new AwsSandboxOptions { Time = time });
        var aws = await WorldAsync(sb, Preferences(bucket: "logs-sse-s3", prefix: "idle/", group: "/ssm/plain", idle: "15"));
        var start = time.GetUtcNow();
        string id = await OpenSessionAsync(aws, Granted);

        // A longer timeout set while the session runs does not apply to it.
        await aws.OkAsync("ssm", "update-document", "--name", "SSM-SessionManagerRunShell", "--document-version", "$LATEST", "--content", Preferences(bucket: "logs-sse-s3", prefix: "changed/", group: "/ssm/plain", idle: "60"));
        await aws.OkAsync("ssm", "update-document-default-version", "--name", "SSM-SessionManagerRunShell", "--document-version", "2");

        time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal("Connected", (await SessionAsync(aws, "Active", id))!["Status"]!.GetValue<string>());
        Assert.Empty(await KeysAsync(aws, "logs-sse-s3"));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await SessionAsync(aws, "Active", id));
        var ended = await SessionAsync(aws, "History", id);
        Assert.Equal("Terminated", ended!["Status"]!.GetValue<string>());
        Assert.Equal(start.AddMinutes(15), Date(ended, "EndDate"));
        Assert.Equal([$"idle/{id}.log"], await KeysAsync(aws, "logs-sse-s3"));
        Assert.Equal([id], await StreamsAsync(aws, "/ssm/plain", id));
    }

    [Fact]
    public async Task Resume_session_is_activity_but_the_maximum_duration_ends_the_session_anyway()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Minute(DateTimeOffset.UtcNow));
        await using var sb = await Sandboxes.StartAsync(Seed, new AwsSandboxOptions { Time = time });
        var aws = await WorldAsync(sb, Preferences(bucket: "logs-sse-s3", prefix: "max/", idle: "20", max: "50"));
        var start = time.GetUtcNow();
        string id = await OpenSessionAsync(aws, Granted);
        Assert.Equal("50", (await SessionAsync(aws, "Active", id))!["MaxSessionDuration"]!.GetValue<string>());

        time.Advance(TimeSpan.FromMinutes(15));
        await aws.OkAsync("ssm", "resume-session", "--session-id", id);
        time.Advance(TimeSpan.FromMinutes(15)); // 30 minutes in, 15 idle: still open
        Assert.NotNull(await SessionAsync(aws, "Active", id));
        await aws.OkAsync("ssm", "resume-session", "--session-id", id);
        time.Advance(TimeSpan.FromMinutes(19)); // 49 minutes in
        Assert.NotNull(await SessionAsync(aws, "Active", id));
        Assert.Empty(await KeysAsync(aws, "logs-sse-s3"));

        time.Advance(TimeSpan.FromMinutes(1)); // 50: the maximum duration, though idle only 19 minutes
        // An S3 listing looks at the world too: the log is there before anyone asks for the session.
        Assert.Equal([$"max/{id}.log"], await KeysAsync(aws, "logs-sse-s3"));
        var ended = await SessionAsync(aws, "History", id);
        Assert.Equal(start.AddMinutes(50), Date(ended, "EndDate"));
        var resume = await aws.RunAsync("ssm", "resume-session", "--session-id", id);
        Assert.Contains("DoesNotExistException", resume.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_preferences_a_session_ends_after_the_default_20_minutes_and_nothing_is_logged()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Minute(DateTimeOffset.UtcNow));
        await using var sb = await Sandboxes.StartAsync(Seed, new AwsSandboxOptions { Time = time });
        var aws = new AwsCli(sb.Url, Alice);
        var start = time.GetUtcNow();
        string id = await OpenSessionAsync(aws, Granted);

        time.Advance(TimeSpan.FromMinutes(19));
        Assert.NotNull(await SessionAsync(aws, "Active", id));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(start.AddMinutes(20), Date(await SessionAsync(aws, "History", id), "EndDate"));
    }

    [Fact]
    public async Task Seeded_ended_sessions_are_logged_at_seed_time_and_connected_ones_are_not()
    {
        string seed = Seed + $$"""

                    documents:
                      - name: SSM-SessionManagerRunShell
                        type: Session
                        format: JSON
                        content: '{{Preferences(bucket: "logs-sse-s3", prefix: "seeded/", group: "/ssm/plain")}}'
                    sessions:
                      - {id: alice-0000000000000000a, target: {{Granted}}, owner: alice, startedDaysAgo: 2, durationMinutes: 30}
                      - {id: alice-0000000000000000b, target: {{Granted}}, owner: alice, document: AWS-StartSSHSession, startedDaysAgo: 1, durationMinutes: 5}
                      - {id: alice-0000000000000000c, target: {{Granted}}, owner: alice, startedHoursAgo: 1}
            """;
        await using var sb = await Sandboxes.StartAsync(seed);
        var aws = new AwsCli(sb.Url, Alice);
        Assert.Equal(["seeded/alice-0000000000000000a.log"], await KeysAsync(aws, "logs-sse-s3"));
        Assert.Equal(["alice-0000000000000000a"], await StreamsAsync(aws, "/ssm/plain", ""));

        // The connected one is logged when it is terminated.
        await aws.OkAsync("ssm", "terminate-session", "--session-id", "alice-0000000000000000c");
        Assert.Equal(["seeded/alice-0000000000000000a.log", "seeded/alice-0000000000000000c.log"], await KeysAsync(aws, "logs-sse-s3"));
    }

    [Fact]
    public async Task In_the_example_world_web_1s_role_needs_the_grant_the_operator_makes()
    {
        await using var sb = await Sandboxes.StartAsync(RepoFiles.ExampleSeed);
        var aws = await WorldAsync(sb, Preferences(bucket: "acme-session-logs", prefix: "sessions/", s3Encryption: true, group: "/ssm/sessions", cwEncryption: true, streaming: true));
        string keyId = (await aws.OkAsync("kms", "describe-key", "--key-id", "alias/session-manager"))["KeyMetadata"]!["KeyId"]!.GetValue<string>();

        string before = await SessionWithoutPluginAsync(aws, "i-0a1b2c3d4e5f60001");
        Assert.Empty(await KeysAsync(aws, "acme-session-logs", "sessions/"));
        // CloudWatch Logs encrypts with the group's key itself: the instance role needs no grant for it.
        Assert.Equal([before], await StreamsAsync(aws, "/ssm/sessions", before));

        await aws.OkAsync("kms", "create-grant", "--key-id", keyId, "--grantee-principal", "arn:aws:iam::111122223333:role/ec2-ssm", "--operations", "Decrypt", "GenerateDataKey");
        string web1 = await SessionWithoutPluginAsync(aws, "i-0a1b2c3d4e5f60001");
        string batch1 = await SessionWithoutPluginAsync(aws, "i-0a1b2c3d4e5f60003");
        Assert.Equal([$"sessions/{web1}.log"], await KeysAsync(aws, "acme-session-logs", "sessions/"));
        Assert.Equal([batch1], await StreamsAsync(aws, "/ssm/sessions", batch1));
    }
}
