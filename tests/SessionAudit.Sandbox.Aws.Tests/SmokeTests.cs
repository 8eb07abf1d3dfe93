namespace SessionAudit.Sandbox.Aws.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Smoke()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        var r = await aws.RunAsync("sts", "get-caller-identity");
        Assert.Equal("", r.Stdout + r.Stderr);
    }
}
