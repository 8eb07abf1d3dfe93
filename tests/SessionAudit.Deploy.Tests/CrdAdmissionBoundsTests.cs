using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>
/// The shipped CRD installs where kube-apiserver would install it (its patterns are RE2), and its CEL rules refuse at
/// kubectl apply what the reconciler's validator would only mark InvalidSpec later, naming the field.
/// </summary>
public sealed class CrdAdmissionBoundsTests
{
    private const string Crd = "customresourcedefinition.apiextensions.k8s.io/sessionloggingpolicies.sessionaudit.io";

    private const string Policy = """
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: bounds
        spec:
          region: us-east-1
          s3: {bucketName: BUCKET, keyPrefix: sessions/}
          kms: {keyId: KEY}
          report: {lookbackDays: 30, interval: REPORT}
          driftCheckInterval: DRIFT
        """;

    public static TheoryData<string, string, string> Refused => new()
    {
        { "DRIFT", "10s", """spec.driftCheckInterval: Invalid value: "10s": must be a duration from 30s to 24h""" },
        { "DRIFT", "24h1s", """spec.driftCheckInterval: Invalid value: "24h1s": must be a duration from 30s to 24h""" },
        { "REPORT", "48h", """spec.report.interval: Invalid value: "48h": must be a duration from 1m to 24h""" },
        { "REPORT", "59s", """spec.report.interval: Invalid value: "59s": must be a duration from 1m to 24h""" },
        { "BUCKET", "acme..logs", """spec.s3.bucketName: Invalid value: "acme..logs": must not have adjacent dots or a dot next to a hyphen""" },
        { "BUCKET", "192.168.10.20", """spec.s3.bucketName: Invalid value: "192.168.10.20": must not look like an IP address""" },
        { "BUCKET", "xn--logs", """spec.s3.bucketName: Invalid value: "xn--logs": must not use a prefix or suffix S3 reserves""" },
        { "KEY", "key/abc", """spec.kms.keyId: Invalid value: "key/abc": is not a KMS key reference""" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Kubectl_apply_refuses_what_the_reconciler_would_refuse_naming_the_field(string placeholder, string value, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InstalledAsync(ct);

        var result = await ApplyAsync(cluster, Fill(placeholder, value), ct);

        Assert.False(result.Succeeded, $"{placeholder} = {value} was accepted");
        Assert.Contains("""The SessionLoggingPolicy "bounds" is invalid""", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", "1m", "acme-session-logs", "alias/session-manager")]
    [InlineData("24h", "24h", "acme.session.logs", "1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("1h30m", "15m", "a1b", "arn:aws:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef")]
    public async Task Values_at_and_inside_the_bounds_are_accepted(string drift, string report, string bucket, string key)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InstalledAsync(ct);

        var yaml = Policy.Replace("DRIFT", drift, StringComparison.Ordinal).Replace("REPORT", report, StringComparison.Ordinal)
            .Replace("BUCKET", bucket, StringComparison.Ordinal).Replace("KEY", key, StringComparison.Ordinal);
        (await ApplyAsync(cluster, yaml, ct)).EnsureSuccess();
    }

    private static string Fill(string placeholder, string value)
    {
        var defaults = new Dictionary<string, string> { ["DRIFT"] = "5m", ["REPORT"] = "1h", ["BUCKET"] = "acme-session-logs", ["KEY"] = "alias/session-manager" };
        defaults[placeholder] = value;
        return defaults.Aggregate(Policy, (y, kv) => y.Replace(kv.Key, kv.Value, StringComparison.Ordinal));
    }

    private static async Task<SandboxCluster> InstalledAsync(CancellationToken ct)
    {
        var cluster = await SandboxCluster.StartAsync(ct);
        (await cluster.KubectlAsync(ct, "apply", "-f", RepoPaths.DeployCrd)).EnsureSuccess();
        (await cluster.KubectlAsync(ct, "wait", "--for=condition=Established", "--timeout=30s", Crd)).EnsureSuccess();
        return cluster;
    }

    private static async Task<ToolResult> ApplyAsync(SandboxCluster cluster, string yaml, CancellationToken ct)
    {
        var file = Path.Combine(cluster.Folder, $"policy-{Guid.NewGuid():n}.yaml");
        await File.WriteAllTextAsync(file, yaml, ct);
        return await cluster.KubectlAsync(ct, "apply", "-f", file);
    }
}
