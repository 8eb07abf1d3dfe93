using System.Collections.Concurrent;
using System.Diagnostics;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Kubectl;

/// <summary>kubectl's watching commands: get -w streams changes, wait returns on the right condition.</summary>
public sealed class KubectlWatchTests
{
    private static async Task<SandboxScope> WithWidgetAsync()
    {
        var s = await SandboxScope.StartAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("crd.yaml", Manifests.WidgetCrd))).Succeeded();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("w.yaml", Manifests.Widget("alpha", 3)))).Succeeded();
        return s;
    }

    private static string ReadyStatus(long observedGeneration, string ready = "True") =>
        $$$"""{"status":{"observedGeneration":{{{observedGeneration}}},"conditions":[{"type":"Ready","status":"{{{ready}}}","reason":"Reconciled","message":"","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":{{{observedGeneration}}}}]}}""";

    [Fact]
    public async Task GetWatchStreamsChangesAsTheyHappen()
    {
        await using var s = await WithWidgetAsync();
        using var watch = s.Kubectl.Start("get", "widgets", "-w");
        var lines = Collect(watch);
        try
        {
            await Eventually.TrueAsync(() => lines.Any(l => l.StartsWith("alpha", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the initial row", TestContext.Current.CancellationToken);
            await Eventually.TrueAsync(() => s.Sandbox.OpenWatches > 0, TimeSpan.FromSeconds(20), "kubectl's watch", TestContext.Current.CancellationToken);

            (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--type=merge", "-p", """{"spec":{"size":7}}""")).Succeeded();
            await Eventually.TrueAsync(() => lines.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^alpha\s+7\s")), TimeSpan.FromSeconds(20), "the modified row", TestContext.Current.CancellationToken);
            (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("b.yaml", Manifests.Widget("beta", 1)))).Succeeded();
            await Eventually.TrueAsync(() => lines.Any(l => l.StartsWith("beta", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the added row", TestContext.Current.CancellationToken);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }

        Assert.Single(lines, l => l.StartsWith("NAME", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitForReadyReturnsOnlyOnceTheConditionIsAtTheCurrentGeneration()
    {
        await using var s = await WithWidgetAsync();
        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--type=merge", "-p", """{"spec":{"size":4}}""")).Succeeded();
        using var wait = s.Kubectl.Start("wait", "--for=condition=Ready", "widget/alpha", "--timeout=60s");
        var output = Collect(wait);
        await Eventually.TrueAsync(() => s.Sandbox.RequestLog.Any(r => r.Verb == "watch" && r.Resource == "widgets"), TimeSpan.FromSeconds(20), "kubectl wait to watch", TestContext.Current.CancellationToken);

        // Ready, but observed at the previous generation: kubectl must keep waiting.
        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--subresource=status", "--type=merge", "-p", ReadyStatus(1))).Succeeded();
        var early = await ExitedWithinAsync(wait, TimeSpan.FromSeconds(2));
        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--subresource=status", "--type=merge", "-p", ReadyStatus(2))).Succeeded();
        var done = await ExitedWithinAsync(wait, TimeSpan.FromSeconds(20));

        Assert.False(early, "kubectl wait returned before the condition reached the current generation");
        Assert.True(done, "kubectl wait did not return after the condition was set at the current generation");
        Assert.Equal(0, wait.ExitCode);
        Assert.Contains(output, l => l.Contains("condition met", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusWritesDoNotBumpGenerationAndMainWritesIgnoreStatus()
    {
        await using var s = await WithWidgetAsync();

        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--subresource=status", "--type=merge", "-p", ReadyStatus(1))).Succeeded();
        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--type=merge", "-p", """{"status":{"observedGeneration":99}}""")).Succeeded();
        var got = (await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "jsonpath={.metadata.generation} {.status.observedGeneration}")).Succeeded();

        Assert.Equal("1 1", got.Stdout);
    }

    private static ConcurrentQueue<string> Collect(Process p)
    {
        var lines = new ConcurrentQueue<string>();
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        };
        p.BeginOutputReadLine();
        return lines;
    }

    private static async Task<bool> ExitedWithinAsync(Process p, TimeSpan within)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(within);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
