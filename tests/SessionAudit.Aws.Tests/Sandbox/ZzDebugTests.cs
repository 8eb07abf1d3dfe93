using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

public sealed class ZzDebugTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Debug()
    {
        using var aws = new StubAws(r => RecordingHandler.Xml("<x/>", System.Net.HttpStatusCode.BadRequest));
        string err = "";
        try { await aws.Factory.For(new AwsScope("eu-west-1", "arn:aws:iam::430000000001:role/r")).Identity.GetAccountIdAsync(TestContext.Current.CancellationToken); }
        catch (Exception e) { err = e.ToString(); }
        File.WriteAllLines("/tmp/awsdbg/log.txt", aws.Handler.Requests.Select(r => r.Method + " " + r.Uri + " " + string.Join(";", r.Headers) + " BODY " + r.Body).Append(err[..Math.Min(err.Length, 3000)]).Append(fixture.Sandbox.Url.ToString()));
    }
}
