using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Sandbox.Aws;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>The report's instance roles through the real adapter against the stand-in: an EC2 instance's profile and its
/// role, a hybrid node's role by name, read only for sessions whose log is missing from a bucket with a customer key.</summary>
public sealed class InstanceRolesAgainstSandboxTests(SandboxFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string World = """
        - name: us-east-1
          keys:
            - {alias: alias/roles-bucket-key, description: bucket key}
          buckets:
            - {name: roles-logs-ACCOUNT, encryption: "aws:kms", kmsKey: alias/roles-bucket-key}
          instances:
            - {id: i-0a11e000000000001, iamRole: "arn:aws:iam::ACCOUNT:role/web"}
            - {id: i-0a11e000000000002, iamRole: "arn:aws:iam::ACCOUNT:role/web"}
            - {id: mi-0a11e000000000003, resourceType: ManagedInstance, iamRole: "arn:aws:iam::ACCOUNT:role/hybrid"}
          documents:
            - name: Roles-Shell
              type: Session
              format: JSON
              content: '{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"roles-logs-ACCOUNT","s3KeyPrefix":"s/"}}'
          sessions:
            - {id: alice-0a11e0000000001, target: i-0a11e000000000001, owner: alice, document: Roles-Shell, startedHoursAgo: 3, durationMinutes: 5}
            - {id: alice-0a11e0000000002, target: i-0a11e000000000002, owner: alice, document: Roles-Shell, startedHoursAgo: 2, durationMinutes: 5}
            - {id: alice-0a11e0000000003, target: mi-0a11e000000000003, owner: alice, document: Roles-Shell, startedHoursAgo: 1, durationMinutes: 5}
        """;

    [Fact]
    public async Task Missing_logs_name_each_instances_role_read_once_per_profile()
    {
        using var account = fixture.NewAccount(World.Replace("ACCOUNT", "acct" + Guid.NewGuid().ToString("N")[..8], StringComparison.Ordinal));
        // The role ARNs name the fixture's account, as GetCallerIdentity gives it for the hybrid node.
        var rows = new RowsById();
        var scope = new AwsScope("us-east-1");
        await new SessionReportEngine(account.Factory.SessionActivity(scope), TimeProvider.System).RunAsync(new ReportOptions { Days = 1, InstanceRoles = [] }, rows, null, Ct);

        Assert.All(rows.ById.Values, r => Assert.False(r.LogDelivered));
        Assert.EndsWith(":role/web", rows.ById["alice-0a11e0000000001"].InstanceRole, StringComparison.Ordinal);
        Assert.EndsWith(":role/web", rows.ById["alice-0a11e0000000002"].InstanceRole, StringComparison.Ordinal);
        Assert.Equal($"arn:aws:iam::{account.AccountId}:role/hybrid", rows.ById["alice-0a11e0000000003"].InstanceRole);
        Assert.Contains("is not in spec.instanceRoles: add it so the operator grants it GenerateDataKey on key arn:aws:kms:us-east-1:", rows.ById["alice-0a11e0000000001"].LogNote, StringComparison.Ordinal);
        Assert.Single(account.Calls, c => c.Operation == "DescribeIamInstanceProfileAssociations");
        Assert.Single(account.Calls, c => c.Operation == "GetInstanceProfile");
    }

    [Theory]
    [InlineData("us-isob-east-1", "aws-iso-b")]
    [InlineData("us-isof-south-1", "aws-iso-f")]
    [InlineData("cn-north-1", "aws-cn")]
    public async Task A_hybrid_node_s_role_is_named_in_the_partition_of_its_region(string region, string partition)
    {
        var id = "acct" + Guid.NewGuid().ToString("N")[..8];
        using var account = fixture.NewAccount(World.Replace("ACCOUNT", id, StringComparison.Ordinal).Replace("us-east-1", region, StringComparison.Ordinal));
        var rows = new RowsById();
        await new SessionReportEngine(account.Factory.SessionActivity(new AwsScope(region)), TimeProvider.System).RunAsync(new ReportOptions { Days = 1, InstanceRoles = [] }, rows, null, Ct);

        Assert.Equal($"arn:{partition}:iam::{account.AccountId}:role/hybrid", rows.ById["alice-0a11e0000000003"].InstanceRole);
    }

    [Fact]
    public async Task A_hybrid_node_s_role_with_a_path_keeps_its_path()
    {
        // IamRole carries the role's path (SSM API Reference, CreateActivation and DescribeActivations examples:
        // "IamRole": "service-role/role_name"), so the ARN built from it keeps it.
        var id = "acct" + Guid.NewGuid().ToString("N")[..8];
        using var account = fixture.NewAccount(World.Replace("ACCOUNT", id, StringComparison.Ordinal).Replace("role/hybrid", "role/service-role/hybrid", StringComparison.Ordinal));
        var rows = new RowsById();
        await new SessionReportEngine(account.Factory.SessionActivity(new AwsScope("us-east-1")), TimeProvider.System).RunAsync(new ReportOptions { Days = 1, InstanceRoles = [] }, rows, null, Ct);

        Assert.Equal($"arn:aws:iam::{account.AccountId}:role/service-role/hybrid", rows.ById["alice-0a11e0000000003"].InstanceRole);
    }

    [Fact]
    public async Task A_failing_role_lookup_leaves_the_note_without_a_fix()
    {
        await using var sandbox = await AwsSandbox.StartAsync(new AwsSandboxOptions { Port = 0 }, Ct);
        using var account = SandboxAccount.Create(sandbox, "222233334444", World.Replace("ACCOUNT", "222233334444", StringComparison.Ordinal), null);
        sandbox.Faults.Set("ec2", "DescribeIamInstanceProfileAssociations", new AwsFault { ServerErrorShare = 1 });
        var rows = new RowsById();
        await new SessionReportEngine(account.Factory.SessionActivity(new AwsScope("us-east-1")), TimeProvider.System).RunAsync(new ReportOptions { Days = 1 }, rows, null, Ct);

        Assert.Null(rows.ById["alice-0a11e0000000001"].InstanceRole);
        Assert.Equal("no object s3://roles-logs-222233334444/s/alice-0a11e0000000001.log", rows.ById["alice-0a11e0000000001"].LogNote);
        Assert.Equal("arn:aws:iam::222233334444:role/hybrid", rows.ById["alice-0a11e0000000003"].InstanceRole);
    }

    [Fact]
    public async Task A_failed_instance_profile_read_is_not_remembered_and_the_next_report_names_the_fix()
    {
        await using var sandbox = await AwsSandbox.StartAsync(new AwsSandboxOptions { Port = 0 }, Ct);
        using var account = SandboxAccount.Create(sandbox, "222233335555", World.Replace("ACCOUNT", "222233335555", StringComparison.Ordinal), null);
        var activity = account.Factory.SessionActivity(new AwsScope("us-east-1"));
        sandbox.Faults.Set("iam", "GetInstanceProfile", new AwsFault { ServerErrorShare = 1 });
        var first = new RowsById();
        await new SessionReportEngine(activity, TimeProvider.System).RunAsync(new ReportOptions { Days = 1 }, first, null, Ct);
        sandbox.Faults.Remove("iam", "GetInstanceProfile");
        var second = new RowsById();
        await new SessionReportEngine(activity, TimeProvider.System).RunAsync(new ReportOptions { Days = 1 }, second, null, Ct);

        Assert.Null(first.ById["alice-0a11e0000000001"].InstanceRole);
        Assert.Equal("arn:aws:iam::222233335555:role/web", second.ById["alice-0a11e0000000001"].InstanceRole);
    }
}
