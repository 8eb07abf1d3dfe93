using System.Net;
using System.Text;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Api;

/// <summary>What kube-apiserver answers that a lenient stand-in would not: MicroTime decoding, APF throttling, broken watches.</summary>
public sealed class RealServerRefusalTests
{
    private const string Leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";

    private static Task<HttpResponseMessage> CreateLeaseAsync(HttpClient http, string name, string renewTime) =>
        http.PostAsync(Leases, new StringContent($$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"{{{name}}}"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15,"renewTime":"{{{renewTime}}}"}}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("2024-01-01T00:00:00Z", "cannot parse \\\"Z\\\" as \\\".000000\\\"")]
    [InlineData("2024-01-01T00:00:00.123Z", "cannot parse \\\".123Z\\\" as \\\".000000\\\"")]
    [InlineData("2024-01-01T00:00:00.123456789Z", "cannot parse \\\"789Z\\\" as \\\"Z07:00\\\"")]
    public async Task A_lease_time_without_six_fraction_digits_is_a_bad_request_as_metav1_MicroTime_decoding_answers(string renewTime, string detail)
    {
        await using var s = await SandboxScope.StartAsync();
        using var refused = await CreateLeaseAsync(s.Http, "l", renewTime);
        var body = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"reason\":\"BadRequest\"", body, StringComparison.Ordinal);
        Assert.Contains($"Lease in version \\\"v1\\\" cannot be handled as a Lease: parsing time \\\"{renewTime}\\\" as \\\"2006-01-02T15:04:05.000000Z07:00\\\": {detail}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lease_time_with_six_fraction_digits_is_stored_and_updates_are_checked_too()
    {
        await using var s = await SandboxScope.StartAsync();
        using var ok = await CreateLeaseAsync(s.Http, "l", "2024-01-01T00:00:00.000000Z");
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, Leases + "/l") { Content = new StringContent("""{"spec":{"acquireTime":"2024-01-01T00:00:00Z"}}""", Encoding.UTF8, "application/merge-patch+json") };
        using var refused = await s.Http.SendAsync(patch, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Throttle_answers_429_with_retry_after_and_the_plain_text_body_of_priority_and_fairness()
    {
        await using var s = await SandboxScope.StartAsync();
        s.Sandbox.Faults.Throttle(1, retryAfterSeconds: 3);
        using var throttled = await s.Http.GetAsync("/api/v1/namespaces", TestContext.Current.CancellationToken);
        using var next = await s.Http.GetAsync("/api/v1/namespaces", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), throttled.Headers.RetryAfter?.Delta);
        Assert.Equal("Too many requests, please try again later.\n", await throttled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal([429, 200], s.Sandbox.RequestLog.Where(r => r.Path.StartsWith("/api/v1/namespaces", StringComparison.Ordinal)).Select(r => r.StatusCode));
    }

    [Fact]
    public async Task Throttle_of_one_verb_leaves_other_verbs_alone_and_5xx_carries_a_status()
    {
        await using var s = await SandboxScope.StartAsync();
        s.Sandbox.Faults.Throttle(1, retryAfterSeconds: 2, statusCode: 503, verb: "create");
        using var read = await s.Http.GetAsync("/api/v1/namespaces/default/configmaps", TestContext.Current.CancellationToken);
        using var write = await s.Http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent("""{"metadata":{"name":"a"}}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), write.Headers.RetryAfter?.Delta);
        Assert.Contains("\"retryAfterSeconds\":2", await write.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailAllWatches_sends_a_500_error_event_and_ResetAllWatches_aborts_the_connection()
    {
        await using var s = await SandboxScope.StartAsync();
        await using var failed = await WatchStream.OpenAsync(s.Http, "/api/v1/namespaces/default/configmaps?watch=true");
        await Eventually.TrueAsync(() => s.Sandbox.OpenWatches == 1, TimeSpan.FromSeconds(10), "watch open", TestContext.Current.CancellationToken);
        s.Sandbox.Faults.FailAllWatches();
        await Eventually.TrueAsync(() => failed.Ended, TimeSpan.FromSeconds(10), "failed watch ends", TestContext.Current.CancellationToken);
        var error = Assert.Single(failed.Events);
        Assert.Equal("ERROR", (string?)error["type"]);
        Assert.Equal(500, (int?)error["object"]!["code"]);

        await using var reset = await WatchStream.OpenAsync(s.Http, "/api/v1/namespaces/default/configmaps?watch=true");
        await Eventually.TrueAsync(() => s.Sandbox.OpenWatches == 1, TimeSpan.FromSeconds(10), "watch open", TestContext.Current.CancellationToken);
        s.Sandbox.Faults.ResetAllWatches();
        await Eventually.TrueAsync(() => reset.Ended, TimeSpan.FromSeconds(10), "reset watch ends", TestContext.Current.CancellationToken);
        Assert.Empty(reset.Events);
    }

    [Fact]
    public async Task The_request_log_records_the_field_manager_of_writes()
    {
        await using var s = await SandboxScope.StartAsync();
        using var write = await s.Http.PostAsync("/api/v1/namespaces/default/configmaps?fieldManager=session-audit-operator", new StringContent("""{"metadata":{"name":"a"}}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal("session-audit-operator", s.Sandbox.RequestLog.Single(r => r.Verb == "create").FieldManager);
    }
}
