using CsCheck;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Tests.Fakes;
using SessionAudit.Policy.Validation;
using Xunit;

namespace SessionAudit.Policy.Tests.Validation;

public sealed class ValidatorTests
{
    private static IReadOnlyList<string> Paths(SessionLoggingPolicySpec spec) => PolicyValidator.Validate(spec).Select(e => e.Path).ToList();

    [Fact]
    public void The_full_example_is_valid()
    {
        Assert.Empty(PolicyValidator.Validate(Scenario.FullSpec()));
        Assert.Empty(PolicyValidator.Validate(new SessionLoggingPolicySpec { Region = "us-east-1" }));
    }

    [Fact]
    public void Missing_spec_and_region_are_reported()
    {
        Assert.Equal(["spec"], PolicyValidator.Validate(null).Select(e => e.Path));
        Assert.Contains("spec.region", Paths(new SessionLoggingPolicySpec()));
    }

    public static TheoryData<string, string> BadSpecs() => new()
    {
        { "region", "spec.region" },
        { "kmsFormat", "spec.kms.keyId" },
        { "kmsRegion", "spec.kms.keyId" },
        { "duplicateGrantee", "spec.kms.grantees[1]" },
        { "duplicateInstanceRole", "spec.instanceRoles[1]" },
        { "instanceRolesAndGrantees", "spec.instanceRoles" },
        { "instanceRoleNotARole", "spec.instanceRoles[0]" },
        { "instanceRolePartition", "spec.instanceRoles[0]" },
        { "unknownEvent", "spec.alerts.events[0]" },
        { "snsRegion", "spec.alerts.snsTopicArns[0]" },
        { "partition", "spec.roleArn" },
        { "tooManyTargets", "spec.alerts" },
        { "runAs", "spec.session.runAs.defaultUser" },
        { "externalId", "spec.externalId" },
        { "idle", "spec.session.idleTimeoutMinutes" },
        { "maxDuration", "spec.session.maxDurationMinutes" },
        { "drift", "spec.driftCheckInterval" },
        { "lookback", "spec.report.lookbackDays" },
        { "bucketDots", "spec.s3.bucketName" },
        { "encNoBucket", "spec.s3.encryptionRequired" },
        { "bucketOwner", "spec.s3.expectedBucketOwner" },
        { "streamNoGroup", "spec.cloudWatch.streaming" },
        { "instanceId", "spec.alerts.runCommands[0].targets[0].values[0]" },
        { "pipelineRole", "spec.alerts.codePipelines[0].roleArn" },
        { "twoTargetBlocks", "spec.alerts.runCommands[0].targets" },
        { "parameterName", "spec.alerts.runCommands[0].parameters.bad-name" },
        { "parameterNoValues", "spec.alerts.runCommands[0].parameters.commands" },
        { "inputTooLong", "spec.alerts.runCommands[0].parameters" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void Bad_input_is_reported_at_its_field_path(string kind, string path)
    {
        var ok = Scenario.FullSpec();
        var spec = kind switch
        {
            "region" => ok with { Region = "US-EAST-1" },
            "kmsFormat" => ok with { Kms = ok.Kms! with { KeyId = "my-key" } },
            "kmsRegion" => ok with { Kms = ok.Kms! with { KeyId = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" } },
            "duplicateGrantee" => ok with { InstanceRoles = null, Kms = ok.Kms! with { Grantees = [Scenario.Ec2Role, Scenario.Ec2Role.ToUpperInvariant().Replace("ARN:AWS:IAM", "arn:aws:iam", StringComparison.Ordinal)] } },
            "duplicateInstanceRole" => ok with { InstanceRoles = [Scenario.Ec2Role, Scenario.Ec2Role.ToUpperInvariant().Replace("ARN:AWS:IAM", "arn:aws:iam", StringComparison.Ordinal)] },
            "instanceRolesAndGrantees" => ok with { Kms = ok.Kms! with { Grantees = [Scenario.OtherRole] } },
            "instanceRoleNotARole" => ok with { InstanceRoles = ["arn:aws:iam::111122223333:user/alice"] },
            "instanceRolePartition" => ok with { InstanceRoles = ["arn:aws-cn:iam::111122223333:role/ec2"] },
            "unknownEvent" => ok with { Alerts = ok.Alerts! with { Events = ["GetSession"] } },
            "snsRegion" => ok with { Alerts = ok.Alerts! with { SnsTopicArns = ["arn:aws:sns:eu-west-1:111122223333:t"] } },
            "partition" => ok with { RoleArn = "arn:aws-cn:iam::111122223333:role/x" },
            "tooManyTargets" => ok with { Alerts = ok.Alerts! with { SnsTopicArns = [Scenario.Topic, Scenario.Topic + "2", Scenario.Topic + "3"] } },
            "runAs" => ok with { Session = ok.Session! with { RunAs = new RunAsSpec { Enabled = false, DefaultUser = "bob" } } },
            "externalId" => ok with { ExternalId = "abc" },
            "idle" => ok with { Session = ok.Session! with { IdleTimeoutMinutes = 61 } },
            "maxDuration" => ok with { Session = ok.Session! with { MaxDurationMinutes = 0 } },
            "drift" => ok with { DriftCheckInterval = "10s" },
            "lookback" => ok with { Report = new ReportSpec { LookbackDays = 31 } },
            "bucketDots" => ok with { S3 = ok.S3! with { BucketName = "a..b" } },
            "encNoBucket" => ok with { S3 = new S3LoggingSpec { EncryptionRequired = true } },
            "bucketOwner" => ok with { S3 = ok.S3! with { ExpectedBucketOwner = "11112222333" } },
            "streamNoGroup" => ok with { CloudWatch = new CloudWatchLoggingSpec { Streaming = true } },
            "instanceId" => ok with { Alerts = ok.Alerts! with { RunCommands = [ok.Alerts.RunCommands![0] with { Targets = [new RunCommandInstanceTargetSpec { Key = "InstanceIds", Values = ["web-1"] }] }] } },
            "pipelineRole" => ok with { Alerts = ok.Alerts! with { CodePipelines = [new CodePipelineTargetSpec { Arn = Scenario.Pipeline, RoleArn = "role" }] } },
            "twoTargetBlocks" => ok with { Alerts = ok.Alerts! with { RunCommands = [ok.Alerts.RunCommands![0] with { Targets = [.. ok.Alerts.RunCommands[0].Targets, new RunCommandInstanceTargetSpec { Key = "tag:Role", Values = ["web"] }] }] } },
            "parameterName" => ok with { Alerts = ok.Alerts! with { RunCommands = [ok.Alerts.RunCommands![0] with { Parameters = new Dictionary<string, IReadOnlyList<string>> { ["bad-name"] = ["x"] } }] } },
            "parameterNoValues" => ok with { Alerts = ok.Alerts! with { RunCommands = [ok.Alerts.RunCommands![0] with { Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = [] } }] } },
            "inputTooLong" => ok with { Alerts = ok.Alerts! with { RunCommands = [ok.Alerts.RunCommands![0] with { Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = [new string('x', 4000), new string('y', 4000), new string('z', 400)] } }] } },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var errors = PolicyValidator.Validate(spec);
        Assert.Contains(errors, e => e.Path == path);
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    private static readonly Gen<string?> AnyText = Gen.OneOf(
        Gen.Const((string?)null),
        Gen.String[0, 40].Select(s => (string?)s),
        Gen.OneOf<string?>("", "us-east-1", "alias/x", "arn:aws:sns:us-east-1:111122223333:t", "arn:aws:iam::111122223333:role/r", "a..b", "5m", "0s", "99999999999h", "i-0123456789abcdef0", "arn:", "arn:::::"));

    private static readonly Gen<IReadOnlyList<string>?> AnyList = Gen.OneOf(
        Gen.Const((IReadOnlyList<string>?)null),
        AnyText.Select(t => t ?? "").Array[0, 7].Select(a => (IReadOnlyList<string>?)a));

    private static readonly Gen<SessionLoggingPolicySpec> AnySpec =
        Gen.Select(
            Gen.Select(AnyText, AnyText, AnyText, AnyText, AnyList, Gen.Int[-5, 2000], Gen.Bool, (a, b, c, d, e, f, g) => (a, b, c, d, e, f, g)),
            Gen.Select(AnyList, AnyList, AnyText, Gen.Bool, Gen.Int[-3, 40], AnyText, (a, b, c, d, e, f) => (a, b, c, d, e, f)),
            (a, b) =>
            {
                var (region, role, bucket, key, grantees, minutes, flag) = a;
                var (events, sns, run, enc, days, interval) = b;
                return new SessionLoggingPolicySpec
                {
                    Region = region!,
                    RoleArn = role,
                    ExternalId = flag ? run : null,
                    S3 = bucket is null ? null : new S3LoggingSpec { BucketName = bucket, EncryptionRequired = enc, KeyPrefix = key },
                    CloudWatch = flag ? new CloudWatchLoggingSpec { LogGroupName = key, EncryptionRequired = enc } : null,
                    Kms = key is null ? null : new KmsSpec { KeyId = key, Grantees = flag ? grantees : null },
                    InstanceRoles = flag ? null : grantees,
                    Session = new SessionSpec { IdleTimeoutMinutes = minutes, MaxDurationMinutes = minutes * 2, RunAs = new RunAsSpec { Enabled = enc, DefaultUser = run } },
                    Alerts = events is null ? null : new AlertsSpec
                    {
                        Events = events,
                        SnsTopicArns = sns,
                        RunCommands = run is null ? null : [new RunCommandTargetSpec { DocumentName = run, RoleArn = role ?? "", Targets = [new RunCommandInstanceTargetSpec { Key = key ?? "", Values = grantees ?? [] }] }],
                    },
                    Report = new ReportSpec { LookbackDays = days, Interval = interval ?? "1h" },
                    DriftCheckInterval = interval!,
                };
            });

    [Fact]
    public void Random_specs_never_throw_from_validation_or_planning()
    {
        AnySpec.Sample(spec =>
        {
            _ = PolicyValidator.Validate(spec);
            var s = new Scenario(_ => spec);
            var result = s.Reconciler.ReconcileAsync(s.Policy, [], ReconcileMode.DryRun, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
            Assert.Equal(0, s.Aws.Writes);
            Assert.NotNull(result.Status.Conditions);
        }, iter: 300);
    }

    private static readonly Gen<SessionLoggingPolicySpec> ValidSpec =
        Gen.Select(
            Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Int[1, 60], Gen.Int[0, 1440], Gen.Bool, (a, b, c, d, e, f, g) => (a, b, c, d, e, f, g)),
            Gen.Select(Gen.Int[0, 7], Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, (a, b, c, d, e, f) => (a, b, c, d, e, f)),
            (a, b) =>
            {
                var (s3, cw, kms, enc, idle, max, runAs) = a;
                var (events, sns, lambda, grantee, alerts, awsKey) = b;
                return new SessionLoggingPolicySpec
                {
                    Region = FakeAws.Region,
                    S3 = s3 ? new S3LoggingSpec { BucketName = Scenario.Bucket, EncryptionRequired = enc, KeyPrefix = enc ? "p/" : null } : null,
                    CloudWatch = cw ? new CloudWatchLoggingSpec { LogGroupName = Scenario.LogGroup, Streaming = enc } : null,
                    Kms = kms ? new KmsSpec { KeyId = awsKey ? "alias/aws/ssm" : "alias/session-manager", Grantees = grantee && awsKey ? [Scenario.Ec2Role] : null } : null,
                    InstanceRoles = grantee && !awsKey ? [Scenario.Ec2Role] : null,
                    Session = new SessionSpec { IdleTimeoutMinutes = idle, MaxDurationMinutes = max == 0 ? null : max, RunAs = runAs ? new RunAsSpec { Enabled = true, DefaultUser = "ec2-user" } : null },
                    Alerts = alerts ? new AlertsSpec
                    {
                        Events = events == 0 ? null : SessionEventNames.All.Where((_, i) => (events & (1 << i)) != 0).ToArray(),
                        SnsTopicArns = sns ? [Scenario.Topic] : null,
                        LambdaFunctionArns = lambda ? [Scenario.Function] : null,
                    } : null,
                };
            });

    [Fact]
    public void Random_valid_specs_reconcile_and_then_make_no_writes()
    {
        ValidSpec.Sample(spec =>
        {
            Assert.Empty(PolicyValidator.Validate(spec));
            var s = new Scenario(_ => spec);
            var ct = TestContext.Current.CancellationToken;
            var first = s.Reconciler.ReconcileAsync(s.Policy, [], ReconcileMode.Apply, ct).GetAwaiter().GetResult();
            s.Aws.ResetCalls();
            var second = s.Reconciler.ReconcileAsync(s.Policy with { Status = first.Status }, [], ReconcileMode.Apply, ct).GetAwaiter().GetResult();
            Assert.Equal(0, s.Aws.Writes);
            Assert.True(second.Plan.IsEmpty, second.Plan.Render());
        }, iter: 100);
    }
}
