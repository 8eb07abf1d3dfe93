using SessionAudit.Policy.Crd;
using Xunit;

namespace SessionAudit.Policy.Tests.Crd;

public sealed class CheckedInCrdTests
{
    public static TheoryData<string> Kinds() => [.. CrdGenerator.Kinds.Select(k => k.Kind)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Checked_in_crd_equals_the_generated_one(string kind)
    {
        var crd = CrdGenerator.Kinds.Single(k => k.Kind == kind);
        var path = RepositoryFiles.PathOf(crd.RepositoryPath);
        var generated = CrdGenerator.Generate(crd);
        if (Environment.GetEnvironmentVariable("SESSION_AUDIT_UPDATE_CRD") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), $"{crd.RepositoryPath} is missing: run `session-audit crd --kind {kind} -o {crd.RepositoryPath}` (or this test with SESSION_AUDIT_UPDATE_CRD=1)");
        var checkedIn = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(checkedIn == generated,
            $"{crd.RepositoryPath} differs from the C# model: regenerate it with `session-audit crd --kind {kind}` (or this test with SESSION_AUDIT_UPDATE_CRD=1)");
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        Assert.Equal(CrdGenerator.GenerateAll(), CrdGenerator.GenerateAll());
    }

    [Fact]
    public void The_policy_crd_path_is_the_policy_kind_s()
    {
        Assert.Equal(CrdGenerator.RepositoryPath, CrdGenerator.Policy.RepositoryPath);
    }
}
