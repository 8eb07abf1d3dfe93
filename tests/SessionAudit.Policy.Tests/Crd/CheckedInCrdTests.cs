using SessionAudit.Policy.Crd;
using Xunit;

namespace SessionAudit.Policy.Tests.Crd;

public sealed class CheckedInCrdTests
{
    [Fact]
    public void Checked_in_crd_equals_the_generated_one()
    {
        var path = RepositoryFiles.PathOf(CrdGenerator.RepositoryPath);
        var generated = CrdGenerator.Generate();
        if (Environment.GetEnvironmentVariable("SESSION_AUDIT_UPDATE_CRD") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), $"{CrdGenerator.RepositoryPath} is missing: run `session-audit crd > {CrdGenerator.RepositoryPath}` (or this test with SESSION_AUDIT_UPDATE_CRD=1)");
        var checkedIn = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(checkedIn == generated,
            $"{CrdGenerator.RepositoryPath} differs from the C# model: regenerate it with `session-audit crd` (or this test with SESSION_AUDIT_UPDATE_CRD=1)");
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        Assert.Equal(CrdGenerator.Generate(), CrdGenerator.Generate());
    }
}
