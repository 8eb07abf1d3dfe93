using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>Whoever may write a policy may write its status: ownership is proven in AWS (names, document), never read from status.</summary>
public sealed class OwnershipTests
{
    private const string Foreign = "arn:aws:iam::111122223333:role/someone-else";

    private static (Scenario Scenario, KmsKeyInfo Other) WithForeignGrant()
    {
        var s = new Scenario(spec => spec with { DeletionPolicy = DeletionPolicy.Delete });
        var other = s.Aws.AddKey("alias/other-team", KmsKeyManager.Customer);
        s.Aws.Grants[other.Arn] = [new KmsGrant("their-grant", "other-team-grant", Foreign, ["Decrypt"])];
        return (s, other);
    }

    private static SessionLoggingPolicyStatus Forged(SessionLoggingPolicyStatus? status, string keyArn) =>
        (status ?? new SessionLoggingPolicyStatus()) with
        {
            Grants = [.. status?.Grants ?? [], new GrantStatus { Grantee = Foreign, GrantId = "their-grant", KeyArn = keyArn }],
        };

    [Fact]
    public async Task A_forged_status_grant_on_another_key_is_never_revoked()
    {
        var (s, other) = WithForeignGrant();
        await s.RunAsync();
        s.Policy = s.Policy with { Status = Forged(s.Policy.Status, other.Arn) };
        s.Aws.ResetCalls();

        await s.RunAsync();

        Assert.Single(s.Aws.Grants[other.Arn]);
        Assert.DoesNotContain("write:RevokeGrant", s.Aws.Calls);
    }

    [Fact]
    public async Task A_forged_status_grant_is_never_revoked_on_deletion()
    {
        var (s, other) = WithForeignGrant();
        await s.RunAsync();
        s.Policy = s.Policy with
        {
            Status = Forged(s.Policy.Status, other.Arn),
            Metadata = s.Policy.Metadata with { DeletionRequested = true },
        };

        var result = await s.RunAsync();

        Assert.Equal(PolicyOutcome.Deleted, result.Outcome);
        Assert.Single(s.Aws.Grants[other.Arn]);
        Assert.Empty(s.Aws.Grants[s.Key.Arn]);
    }

    [Fact]
    public async Task A_forged_status_document_never_rolls_back_another_document_on_deletion()
    {
        var s = new Scenario(spec => spec with { DeletionPolicy = DeletionPolicy.Delete });
        await s.RunAsync();
        s.Aws.Documents["Team-Prefs"] =
        [
            """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"idleSessionTimeout":"5"}}""",
            """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"idleSessionTimeout":"9"}}""",
        ];
        s.Aws.DefaultVersions["Team-Prefs"] = 2;
        s.Policy = s.Policy with
        {
            Status = s.Policy.Status! with { Document = new DocumentStatus { Name = "Team-Prefs", CurrentVersion = "2", VersionBeforePolicy = "1" } },
            Metadata = s.Policy.Metadata with { DeletionRequested = true },
        };
        s.Aws.ResetCalls();

        var result = await s.RunAsync();

        Assert.Equal(PolicyOutcome.Deleted, result.Outcome);
        Assert.Equal(2, s.Aws.DefaultVersions["Team-Prefs"]);
        Assert.DoesNotContain("write:UpdateDocumentDefaultVersion", s.Aws.Calls);
    }
}
