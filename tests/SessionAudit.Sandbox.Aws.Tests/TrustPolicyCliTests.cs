namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>AssumeRole of a role declared with a trust policy is decided by that policy, as IAM decides it: the caller
/// must be a principal it names, its sts:ExternalId condition must hold, and passing session tags needs sts:TagSession.</summary>
public sealed class TrustPolicyCliTests
{
    private const string Role = "arn:aws:iam::444455556666:role/session-audit";

    private const string Seed = """
        accessKeys:
          AKIAACMEOPERATOR0001: arn:aws:iam::111122223333:user/session-audit-operator
          AKIAACMEMALLORY00001: arn:aws:iam::111122223333:user/mallory
        accounts:
          - id: "444455556666"
            roles:
              - name: session-audit
                trustPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/session-audit-operator"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-1234"},"StringLike":{"sts:RoleSessionName":"sa-*"}}}]}'
              - name: tagged
                trustPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sts:AssumeRole","sts:TagSession"]}]}'
        """;

    [Fact]
    public async Task The_trust_policy_decides_who_may_assume_with_which_external_id_and_session_name()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var op = new AwsCli(sb.Url, "AKIAACMEOPERATOR0001");

        var ok = await op.OkAsync("sts", "assume-role", "--role-arn", Role, "--role-session-name", "sa-prod-1a2b3c4d", "--external-id", "ext-1234");
        Assert.Equal("arn:aws:sts::444455556666:assumed-role/session-audit/sa-prod-1a2b3c4d", ok["AssumedRoleUser"]!["Arn"]!.GetValue<string>());

        await op.FailsAsync("AccessDenied", "sts", "assume-role", "--role-arn", Role, "--role-session-name", "sa-prod-1a2b3c4d", "--external-id", "wrong-1");
        await op.FailsAsync("AccessDenied", "sts", "assume-role", "--role-arn", Role, "--role-session-name", "sa-prod-1a2b3c4d");
        await op.FailsAsync("AccessDenied", "sts", "assume-role", "--role-arn", Role, "--role-session-name", "someone-else", "--external-id", "ext-1234");
        await op.As("AKIAACMEMALLORY00001").FailsAsync("AccessDenied", "sts", "assume-role", "--role-arn", Role, "--role-session-name", "sa-prod-1a2b3c4d", "--external-id", "ext-1234");
        // Tags need sts:TagSession, which this trust policy does not allow.
        await op.FailsAsync("AccessDenied", "sts", "assume-role", "--role-arn", Role, "--role-session-name", "sa-prod-1a2b3c4d", "--external-id", "ext-1234", "--tags", "Key=team,Value=platform");
    }

    [Fact]
    public async Task An_account_principal_admits_its_identities_and_TagSession_admits_tags()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var mallory = new AwsCli(sb.Url, "AKIAACMEMALLORY00001");

        await mallory.OkAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::444455556666:role/tagged", "--role-session-name", "any", "--tags", "Key=team,Value=platform");
        // A role no seed declared keeps the stand-in's lenient answer (docs/SANDBOX-AWS.md).
        await mallory.OkAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::444455556666:role/undeclared", "--role-session-name", "any");
    }
}
