using SessionAudit.Aws.Credentials;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>AWS_ENDPOINT_URL_&lt;SERVICE&gt; for SDK and thin clients alike, and assumed-role credentials per scope.</summary>
public sealed class EndpointAndCredentialsTests(SandboxFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_endpoint_variables_win_over_the_global_one_for_SDK_and_thin_clients()
    {
        // The global endpoint is a closed port; only the services with their own variable reach the sandbox.
        var url = fixture.Sandbox.Url.ToString();
        var env = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9/",
            ["AWS_ENDPOINT_URL_KMS"] = url,
            ["AWS_ENDPOINT_URL_EVENTBRIDGE"] = url,
        };
        var options = SandboxAccount.DefaultOptions with { Retry = SandboxAccount.DefaultOptions.Retry with { MaxRetries = 1 } };
        using var account = SandboxAccount.Create(fixture.Sandbox, "410000000001", null, options, env);
        var ports = account.Factory.For(new AwsScope("us-east-1"));

        Assert.NotNull(await ports.Keys.DescribeAsync("alias/aws/ssm", Ct));
        Assert.Null(await ports.Rules.DescribeAsync("none", Ct));
        var logs = await Assert.ThrowsAsync<AwsFailure>(() => ports.LogGroups.DescribeAsync("/g", Ct));
        var ssm = await Assert.ThrowsAsync<AwsFailure>(() => ports.Documents.GetAsync("SSM-SessionManagerRunShell", Ct));

        Assert.Equal(AwsFailureKind.Unavailable, logs.Kind);
        Assert.Equal(AwsFailureKind.Unavailable, ssm.Kind);
        Assert.Equal(["DescribeKey", "DescribeRule"], account.Calls.Select(c => c.Operation).Order());
    }

    [Fact]
    public async Task A_scope_with_a_role_calls_with_assumed_role_credentials_obtained_once()
    {
        using var account = fixture.NewAccount();
        var scope = new AwsScope("eu-west-1", "arn:aws:iam::420000000001:role/session-audit", "tenant-42");

        var first = await account.Factory.For(scope).Identity.GetAccountIdAsync(Ct);
        await account.Factory.For(scope).Keys.DescribeAsync("alias/aws/ssm", Ct);
        await account.Factory.For(scope).Rules.DescribeAsync("none", Ct);

        Assert.Equal("420000000001", first);
        var log = fixture.Sandbox.CallLog;
        var assume = Assert.Single(log, c => c.Operation == "AssumeRole" && c.AccessKeyId == account.AccessKey);
        Assert.Equal(account.AccountId, assume.Account);
        var asRole = log.Where(c => c.Account == "420000000001" && c.Operation is "GetCallerIdentity" or "DescribeKey" or "DescribeRule").ToList();
        Assert.Equal(3, asRole.Count);
        Assert.All(asRole, c => Assert.StartsWith("ASIA", c.AccessKeyId));
        Assert.All(asRole, c => Assert.Equal("arn:aws:sts::420000000001:assumed-role/session-audit/session-audit-operator", c.CallerArn));
        Assert.Equal(1, ((AssumedRoleCredentials)account.Factory.Clients(scope).Credentials).Refreshes);
    }

    [Fact]
    public async Task Assumed_role_credentials_are_refreshed_when_they_come_within_the_margin_of_expiry()
    {
        // One-hour credentials with a two-hour margin are always "about to expire": use must refresh them. Inside the
        // margin the SDK (RefreshingAWSCredentials) signs with the credentials it holds and refreshes in the background,
        // so the second AssumeRole reaches STS some time after the call that set it off: wait for it, do not race it.
        var options = SandboxAccount.DefaultOptions with { CredentialRefreshMargin = TimeSpan.FromHours(2) };
        using var account = fixture.NewAccount(options: options);
        var scope = new AwsScope("eu-west-1", "arn:aws:iam::420000000002:role/session-audit");
        var credentials = (AssumedRoleCredentials)account.Factory.Clients(scope).Credentials;
        int AssumeRoleCalls() => fixture.Sandbox.CallLog.Count(c => c.Operation == "AssumeRole" && c.AccessKeyId == account.AccessKey);

        await account.Factory.For(scope).Rules.DescribeAsync("a", Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((credentials.Refreshes < 2 || AssumeRoleCalls() < 2) && DateTime.UtcNow < deadline)
        {
            await account.Factory.For(scope).Rules.DescribeAsync("b", Ct);
            await Task.Delay(20, Ct);
        }

        Assert.True(credentials.Refreshes >= 2, $"refreshed {credentials.Refreshes} times");
        Assert.True(AssumeRoleCalls() >= 2, $"{AssumeRoleCalls()} AssumeRole calls reached STS");
    }

    [Fact]
    public async Task Different_roles_are_different_scopes_with_their_own_clients()
    {
        using var account = fixture.NewAccount();
        var a = new AwsScope("eu-west-1", "arn:aws:iam::430000000001:role/r");
        var b = new AwsScope("eu-west-1", "arn:aws:iam::430000000002:role/r");

        Assert.Same(account.Factory.For(a), account.Factory.For(a with { ExternalId = "" }));
        Assert.NotSame(account.Factory.For(a), account.Factory.For(b));
        Assert.Equal("430000000001", await account.Factory.For(a).Identity.GetAccountIdAsync(Ct));
        Assert.Equal("430000000002", await account.Factory.For(b).Identity.GetAccountIdAsync(Ct));
    }

    [Fact]
    public async Task Sessions_of_one_role_share_its_clients_and_each_call_signs_as_its_own_session()
    {
        using var account = fixture.NewAccount();
        const string Role = "arn:aws:iam::440000000001:role/session-audit";
        var sessions = Enumerable.Range(0, 8).Select(i => new AwsScope("eu-west-1", Role, null, $"sa-policy-{i}-0000000{i}")).ToList();

        // Concurrent calls of every session through the one set of clients.
        var calls = sessions.SelectMany(s => Enumerable.Range(0, 3).Select(_ => account.Factory.For(s).Keys.DescribeAsync("alias/aws/ssm", Ct))).ToList();
        await Task.WhenAll(calls);

        Assert.Same(account.Factory.Clients(sessions[0]).Kms, account.Factory.Clients(sessions[7]).Kms);
        Assert.Same(account.Factory.Clients(sessions[0]).Events, account.Factory.Clients(sessions[7]).Events);
        Assert.Equal(1, account.Factory.SharedRoleClientCount);
        var asRole = fixture.Sandbox.CallLog.Where(c => c.Account == "440000000001" && c.Operation == "DescribeKey").ToList();
        Assert.Equal(24, asRole.Count);
        foreach (var session in sessions)
        {
            // Each session's three calls, and only those, carry its name; one AssumeRole each.
            Assert.Equal(3, asRole.Count(c => c.CallerArn == $"arn:aws:sts::440000000001:assumed-role/session-audit/{session.SessionName}"));
        }

        Assert.Equal(8, fixture.Sandbox.CallLog.Count(c => c.Operation == "AssumeRole" && c.AccessKeyId == account.AccessKey));
    }

    [Fact]
    public async Task Sessions_of_one_role_read_the_account_id_the_trail_and_a_bucket_s_region_once_between_them()
    {
        using var account = fixture.NewAccount();
        const string RoleAccount = "440000000003";
        fixture.Sandbox.ApplySeed($$"""
            accounts:
              - id: "{{RoleAccount}}"
                regions:
                  - name: eu-west-1
                    buckets:
                      - name: trail-bucket-440000000003
                    trails:
                      - name: management
                        bucket: trail-bucket-440000000003
                  - name: us-west-2
                    buckets:
                      - name: logs-440000000003-usw2
            """);
        var sessions = Enumerable.Range(0, 5)
            .Select(i => new AwsScope("eu-west-1", $"arn:aws:iam::{RoleAccount}:role/session-audit", null, $"sa-policy-{i}-0000000{i}")).ToList();

        foreach (var session in sessions)
        {
            var ports = account.Factory.For(session);
            Assert.Equal(RoleAccount, await ports.Identity.GetAccountIdAsync(Ct));
            Assert.True((await ports.Trails.GetAuditTrailAsync(TimeSpan.FromHours(1), Ct)).Logging);
            Assert.NotNull(await ports.Buckets.DescribeAsync("logs-440000000003-usw2", Ct));
        }

        // Each session signs its own calls (one AssumeRole each, used in both regions), but what the account says the same
        // to all of them is asked once: the caller identity, the trail's three reads, and the bucket's redirect from eu-west-1.
        var calls = fixture.Sandbox.CallLog.Where(c => c.Account == RoleAccount).ToList();
        Assert.Equal(5, fixture.Sandbox.CallLog.Count(c => c.Operation == "AssumeRole" && c.AccessKeyId == account.AccessKey));
        Assert.Equal(1, calls.Count(c => c.Operation == "GetCallerIdentity"));
        Assert.Equal(1, calls.Count(c => c.Operation == "DescribeTrails"));
        Assert.Equal(1, calls.Count(c => c.Operation == "GetTrailStatus"));
        Assert.Equal(1, calls.Count(c => c.Operation == "GetEventSelectors"));
        Assert.Single(calls, c => c.Service == "s3" && c.Region == "eu-west-1");

        // A session of the same role with another external id (or other tags) may have other permissions: it reads for itself.
        var other = account.Factory.For(sessions[0] with { ExternalId = "another-tenant", SessionName = "sa-other-00000000" });
        Assert.Equal(RoleAccount, await other.Identity.GetAccountIdAsync(Ct));
        Assert.True((await other.Trails.GetAuditTrailAsync(TimeSpan.FromHours(1), Ct)).Logging);
        calls = [.. fixture.Sandbox.CallLog.Where(c => c.Account == RoleAccount)];
        Assert.Equal(2, calls.Count(c => c.Operation == "GetCallerIdentity"));
        Assert.Equal(2, calls.Count(c => c.Operation == "DescribeTrails"));
    }

    [Fact]
    public async Task A_role_s_shared_clients_refuse_a_call_made_outside_any_session()
    {
        using var account = fixture.NewAccount();
        var session = new AwsScope("eu-west-1", "arn:aws:iam::440000000002:role/session-audit", null, "sa-p-00000000");
        var kms = account.Factory.Clients(session).Kms;

        // Straight on the shared SDK client, not through the session's RunAsync: no credentials to sign with.
        await Assert.ThrowsAnyAsync<Exception>(() => kms.DescribeKeyAsync(new Amazon.KeyManagementService.Model.DescribeKeyRequest { KeyId = "alias/aws/ssm" }, Ct));
        Assert.DoesNotContain(fixture.Sandbox.CallLog, c => c.Account == "440000000002");
    }
}
