using Microsoft.Extensions.Time.Testing;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Policy.Tests.Fakes;

/// <summary>A fake AWS with the usual prerequisites in place, a clock, and a policy to reconcile.</summary>
internal sealed class Scenario
{
    public const string Bucket = "acme-session-logs";
    public const string LogGroup = "/ssm/sessions";
    public const string Topic = "arn:aws:sns:us-east-1:111122223333:session-alerts";
    public const string Function = "arn:aws:lambda:us-east-1:111122223333:function:on-session";
    public const string Pipeline = "arn:aws:codepipeline:us-east-1:111122223333:audit-pipeline";
    public const string EventsRole = "arn:aws:iam::111122223333:role/events-invoke";
    public const string Ec2Role = "arn:aws:iam::111122223333:role/ec2-ssm";
    public const string OtherRole = "arn:aws:iam::111122223333:role/ec2-other";

    public FakeAws Aws { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public PolicyReconciler Reconciler { get; }
    public KmsKeyInfo Key { get; }
    public KmsKeyInfo LogKey { get; }
    public SessionLoggingPolicy Policy { get; set; }

    public Scenario(Func<SessionLoggingPolicySpec, SessionLoggingPolicySpec>? edit = null)
    {
        Reconciler = new PolicyReconciler(Aws, Time);
        Aws.Buckets[Bucket] = new BucketInfo(Bucket, true, "AES256");
        LogKey = Aws.AddKey("alias/logs", KmsKeyManager.Customer);
        Aws.LogGroups[LogGroup] = new LogGroupInfo(LogGroup, LogKey.Arn);
        Key = Aws.AddKey("alias/session-manager", KmsKeyManager.Customer);
        Aws.AddKey("alias/aws/ssm", KmsKeyManager.Aws);
        Aws.ExistingTargets.UnionWith([Topic, Function, Pipeline]);
        var spec = FullSpec();
        Policy = new SessionLoggingPolicy(
            new PolicyMetadata("prod", "0b1c2d3e-0000-4000-8000-000000000001", 1, Time.GetUtcNow().AddDays(-1)),
            edit is null ? spec : edit(spec));
    }

    public static SessionLoggingPolicySpec FullSpec() => new()
    {
        Region = FakeAws.Region,
        S3 = new S3LoggingSpec { BucketName = Bucket, KeyPrefix = "sessions/", EncryptionRequired = true },
        CloudWatch = new CloudWatchLoggingSpec { LogGroupName = LogGroup, EncryptionRequired = true, Streaming = true },
        InstanceRoles = [Ec2Role],
        Kms = new KmsSpec { KeyId = "alias/session-manager" },
        Session = new SessionSpec
        {
            IdleTimeoutMinutes = 15,
            MaxDurationMinutes = 120,
            RunAs = new RunAsSpec { Enabled = true, DefaultUser = "ssm-user" },
            ShellProfile = new ShellProfileSpec { Linux = "exec bash -l", Windows = "" },
        },
        Alerts = new AlertsSpec
        {
            Events = ["StartSession", "TerminateSession"],
            SnsTopicArns = [Topic],
            LambdaFunctionArns = [Function],
            CodePipelines = [new CodePipelineTargetSpec { Arn = Pipeline, RoleArn = EventsRole }],
            RunCommands =
            [
                new RunCommandTargetSpec
                {
                    DocumentName = "AWS-RunShellScript",
                    RoleArn = EventsRole,
                    Targets = [new RunCommandInstanceTargetSpec { Key = "InstanceIds", Values = ["i-0123456789abcdef0"] }],
                },
            ],
        },
    };

    /// <summary>The default AwsAccount the scenario's policy acts under: the operator's own account, with guardrails that
    /// allow what <see cref="FullSpec"/> asks for (its shell profile, grantees of the fake's account, its Run Command document).</summary>
    public static AwsAccount Permissive { get; } = new("platform", new AwsAccountSpec
    {
        Default = true,
        Guardrails = new GuardrailsSpec { AllowShellProfile = true, AllowedGranteeAccounts = [FakeAws.Account], AllowedRunCommandDocuments = ["AWS-RunShellScript"] },
    });

    /// <summary>What the reconciler is told about accounts; <see cref="Permissive"/> unless a test changes it.</summary>
    public IReadOnlyList<AwsAccount> Accounts { get; set; } = [Permissive];

    /// <summary>An external id the caller read from a Secret, when a test sets one.</summary>
    public string? ExternalId { get; set; }

    public AccountContext AccountContext => AccountContext.Resolve(Policy.Spec, Accounts, ExternalId);

    public SessionLoggingPolicySpec Spec
    {
        get => Policy.Spec;
        set => Policy = Policy with { Spec = value, Metadata = Policy.Metadata with { Generation = Policy.Metadata.Generation + 1 } };
    }

    /// <summary>Reconciles and carries the returned status into the next run, as the operator would.</summary>
    public async Task<ReconcileResult> RunAsync(ReconcileMode mode = ReconcileMode.Apply, IReadOnlyList<SessionLoggingPolicy>? others = null)
    {
        var result = await Reconciler.ReconcileAsync(Policy, others ?? [], AccountContext, mode, Xunit.TestContext.Current.CancellationToken);
        Policy = Policy with { Status = result.Status };
        return result;
    }

    public Condition Condition(string type) =>
        Policy.Status?.Conditions?.FirstOrDefault(c => c.Type == type) ?? throw new InvalidOperationException($"no {type} condition");
}
