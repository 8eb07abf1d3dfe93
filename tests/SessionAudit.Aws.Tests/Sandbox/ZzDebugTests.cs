using System.Text;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

public sealed class ZzDebugTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Debug()
    {
        using var http = new HttpClient();
        var body = "Action=AssumeRole&DurationSeconds=3600&RoleArn=arn%3Aaws%3Aiam%3A%3A430000000001%3Arole%2Fr&RoleSessionName=session-audit-operator&Version=2011-06-15";
        var req = new HttpRequestMessage(HttpMethod.Post, fixture.Sandbox.Url) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        req.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261126/eu-west-1/sts/aws4_request, SignedHeaders=host, Signature=00");
        var resp = await http.SendAsync(req, TestContext.Current.CancellationToken);
        File.WriteAllText("/tmp/awsdbg/log.txt", resp.StatusCode + "\n" + await resp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) + "\n" + string.Join("\n", fixture.Sandbox.CallLog));
    }
}
