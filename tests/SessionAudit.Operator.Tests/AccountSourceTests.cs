using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Operator.Accounts;
using SessionAudit.Operator.Resources;
using SessionAudit.Operator.Tests.Fakes;
using SessionAudit.Policy.Model;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>The AwsAccounts a policy acts in, as the glue reads them: from the watch's cache, and the external id from a
/// Secret of the operator's namespace, read by name and kept for a minute.</summary>
public sealed class AccountSourceTests
{
    private readonly FakeCache<AwsAccountResource> cache = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, string> secrets = [];
    private readonly List<string> reads = [];

    private AccountSource Source() => new(cache, (ns, name, key, ct) =>
    {
        reads.Add($"{ns}/{name}/{key}");
        return Task.FromResult(secrets.GetValueOrDefault($"{ns}/{name}/{key}"));
    }, "session-audit-system", time);

    private void Account(string name, string specJson) => cache.Put(new AwsAccountResource
    {
        Metadata = new k8s.Models.V1ObjectMeta { Name = name },
        SpecJson = RawJson.From(JsonDocument.Parse(specJson).RootElement),
    });

    private static SessionLoggingPolicySpec Naming(string account) => new() { Region = "us-east-1", AccountRef = new AccountReference { Name = account } };

    [Fact]
    public async Task The_external_id_comes_from_the_Secret_in_the_operator_s_namespace_and_is_read_once_a_minute()
    {
        Account("workloads", """{"roleArn":"arn:aws:iam::444455556666:role/audit","externalIdSecretRef":{"name":"ext","key":"externalId"}}""");
        secrets["session-audit-system/ext/externalId"] = "ext-1234\n";
        var source = Source();

        var first = await source.ResolveAsync(Naming("workloads"), TestContext.Current.CancellationToken);
        Assert.Equal("ext-1234", first.Binding!.ExternalId);
        Assert.Equal("arn:aws:iam::444455556666:role/audit", first.Binding.RoleArn);

        secrets["session-audit-system/ext/externalId"] = "ext-5678";
        Assert.Equal("ext-1234", (await source.ResolveAsync(Naming("workloads"), TestContext.Current.CancellationToken)).Binding!.ExternalId);
        time.Advance(AccountSource.SecretTtl);
        Assert.Equal("ext-5678", (await source.ResolveAsync(Naming("workloads"), TestContext.Current.CancellationToken)).Binding!.ExternalId);
        Assert.Equal(2, reads.Count);
    }

    [Fact]
    public async Task A_missing_Secret_or_an_unreadable_AwsAccount_is_a_problem_that_names_it()
    {
        Account("workloads", """{"roleArn":"arn:aws:iam::444455556666:role/audit","externalIdSecretRef":{"name":"ext","key":"externalId"}}""");
        Account("broken", """{"guardrails":{"allowShellProfile":"yes"}}""");
        var source = Source();

        var missing = await source.ResolveAsync(Naming("workloads"), TestContext.Current.CancellationToken);
        Assert.Null(missing.Binding);
        Assert.Contains("Secret session-audit-system/ext", missing.Problem, StringComparison.Ordinal);

        var broken = await source.ResolveAsync(Naming("broken"), TestContext.Current.CancellationToken);
        Assert.Null(broken.Binding);
        Assert.Contains("AwsAccount broken cannot be read", broken.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_without_accountRef_gets_the_default_AwsAccount_s_guardrails_in_the_operator_s_own_account()
    {
        Account("platform", """{"default":true,"guardrails":{"allowShellProfile":true}}""");
        var source = Source();

        var context = await source.ResolveAsync(new SessionLoggingPolicySpec { Region = "us-east-1" }, TestContext.Current.CancellationToken);

        Assert.Equal("platform", context.Binding!.AccountName);
        Assert.Null(context.Binding.RoleArn);
        Assert.True(context.Binding.Guardrails.AllowShellProfile);
        Assert.Empty(reads);
    }

    [Fact]
    public async Task An_unreadable_AwsAccount_stops_policies_without_accountRef_instead_of_leaving_them_the_built_in_guardrails()
    {
        Account("platform", """{"default":true,"guardrails":{"allowShellProfile":"maybe"}}""");
        var source = Source();

        var context = await source.ResolveAsync(new SessionLoggingPolicySpec { Region = "us-east-1" }, TestContext.Current.CancellationToken);

        Assert.Null(context.Binding);
        Assert.Contains("AwsAccount platform cannot be read", context.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("x")]
    [InlineData("has spaces inside")]
    public async Task An_external_id_STS_would_refuse_is_a_problem_that_does_not_repeat_it(string value)
    {
        Account("workloads", """{"roleArn":"arn:aws:iam::444455556666:role/audit","externalIdSecretRef":{"name":"ext","key":"externalId"}}""");
        secrets["session-audit-system/ext/externalId"] = value;

        var context = await Source().ResolveAsync(Naming("workloads"), TestContext.Current.CancellationToken);

        Assert.Null(context.Binding);
        Assert.DoesNotContain(value.Trim().Length > 1 ? value.Trim() : "\u0000", context.Problem!, StringComparison.Ordinal);
    }
}
