using System.Net;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Kubectl;

/// <summary>kubectl drives custom resources through their whole life against the sandbox, with default validation.</summary>
public sealed class KubectlCustomResourceTests
{
    private static async Task<SandboxScope> WithWidgetsAsync()
    {
        var s = await SandboxScope.StartAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("crd.yaml", Manifests.WidgetCrd))).Succeeded();
        return s;
    }

    [Fact]
    public async Task ApplyThenGetPrintsThePrinterColumns()
    {
        await using var s = await WithWidgetsAsync();

        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("w.yaml", Manifests.Widget("alpha", 3)))).Succeeded();
        var table = (await s.Kubectl.RunAsync("get", "widgets")).Succeeded();

        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+SIZE\s+MODE\s+READY\s+AGE$", lines[0]);
        Assert.Matches(@"^alpha\s+3\s+small\s+\d+s$", lines[1]);
    }

    [Fact]
    public async Task ReapplyIsUnchangedAndAChangedSpecBumpsGeneration()
    {
        await using var s = await WithWidgetsAsync();
        var file = s.Manifest("w.yaml", Manifests.Widget("alpha", 3));

        (await s.Kubectl.RunAsync("apply", "-f", file)).Succeeded();
        var again = (await s.Kubectl.RunAsync("apply", "-f", file)).Succeeded();
        File.WriteAllText(file, Manifests.Widget("alpha", 4));
        var changed = (await s.Kubectl.RunAsync("apply", "-f", file)).Succeeded();
        var generation = (await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "jsonpath={.metadata.generation}")).Succeeded();

        Assert.Contains("unchanged", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("configured", changed.Stdout, StringComparison.Ordinal);
        Assert.Equal("2", generation.Stdout);
    }

    [Fact]
    public async Task PatchesOfEveryTypeChangeTheResource()
    {
        await using var s = await WithWidgetsAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("w.yaml", Manifests.Widget("alpha", 3)))).Succeeded();

        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--type=merge", "-p", """{"spec":{"size":5}}""")).Succeeded();
        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--type=json", "-p", """[{"op":"add","path":"/spec/tags","value":["x"]}]""")).Succeeded();
        var strategic = await s.Kubectl.RunAsync("patch", "widget", "alpha", "-p", """{"spec":{"size":6}}""");
        var spec = (await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "jsonpath={.spec.size} {.spec.tags}")).Succeeded();

        Assert.Equal("5 [\"x\"]", spec.Stdout);
        Assert.NotEqual(0, strategic.ExitCode);
        Assert.Contains("application/strategic-merge-patch+json is not supported by example.com/v1, Kind=Widget", strategic.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerSideApplyCreatesUpdatesAndReportsConflictsBetweenManagers()
    {
        await using var s = await WithWidgetsAsync();
        var file = s.Manifest("w.yaml", Manifests.Widget("alpha", 3, "  owner: first"));

        var created = (await s.Kubectl.RunAsync("apply", "--server-side", "--field-manager=first", "-f", file)).Succeeded();
        File.WriteAllText(file, Manifests.Widget("alpha", 3, "  owner: second"));
        var conflict = await s.Kubectl.RunAsync("apply", "--server-side", "--field-manager=second", "-f", file);
        var forced = (await s.Kubectl.RunAsync("apply", "--server-side", "--field-manager=second", "--force-conflicts", "-f", file)).Succeeded();
        var json = JsonNode.Parse((await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "json", "--show-managed-fields")).Succeeded().Stdout)!;

        Assert.Contains("serverside-applied", created.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("conflict", conflict.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(".spec.owner", conflict.Stderr, StringComparison.Ordinal);
        Assert.Contains("serverside-applied", forced.Stdout, StringComparison.Ordinal);
        Assert.Equal("second", json["spec"]!["owner"]!.GetValue<string>());
        Assert.Contains(json["metadata"]!["managedFields"]!.AsArray(), m => m!["manager"]!.GetValue<string>() == "second" && m["operation"]!.GetValue<string>() == "Apply");
    }

    [Fact]
    public async Task ServerSideApplyRemovesFieldsTheManagerStopsApplying()
    {
        await using var s = await WithWidgetsAsync();
        var file = s.Manifest("w.yaml", Manifests.Widget("alpha", 3, "  tags: [a]"));

        (await s.Kubectl.RunAsync("apply", "--server-side", "-f", file)).Succeeded();
        File.WriteAllText(file, Manifests.Widget("alpha", 3));
        (await s.Kubectl.RunAsync("apply", "--server-side", "-f", file)).Succeeded();
        var tags = (await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "jsonpath={.spec.tags}")).Succeeded();

        Assert.Equal("", tags.Stdout);
    }

    [Fact]
    public async Task InvalidResourcesAreRejectedWithFieldPaths()
    {
        await using var s = await WithWidgetsAsync();
        var bad = s.Manifest("bad.yaml", """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: bad
            spec:
              size: 200
              mode: huge
              name: ABC
              tags: [a, b, c, d]
            """);
        var missing = s.Manifest("missing.yaml", """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: missing
            spec:
              mode: big
            """);

        var result = await s.Kubectl.RunAsync("apply", "-f", bad);
        var required = await s.Kubectl.RunAsync("apply", "-f", missing);
        var unknown = await s.Kubectl.RunAsync("apply", "-f", s.Manifest("unknown.yaml", Manifests.Widget("unknown", 2, "  colour: red")));
        var stored = await s.Kubectl.RunAsync("get", "widgets", "-o", "name");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("The Widget \"bad\" is invalid", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("* spec.mode: Unsupported value: \"huge\": supported values: \"small\", \"big\"", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("* spec.name: Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("* spec.tags: Too many: 4: must have at most 3 items", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("* spec: Invalid value: \"object\": size above 100 needs mode big", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.size: Required value", required.Stderr, StringComparison.Ordinal);
        Assert.Contains("unknown field \"spec.colour\"", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal("", stored.Stdout.Trim());
        Assert.DoesNotContain(s.Sandbox.RequestLog, r => r.Path.Contains("validate=false", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DefaultsFromTheSchemaAreApplied()
    {
        await using var s = await WithWidgetsAsync();

        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("w.yaml", Manifests.Widget("alpha", 3)))).Succeeded();
        var mode = (await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "jsonpath={.spec.mode}")).Succeeded();

        Assert.Equal("small", mode.Stdout);
    }

    [Fact]
    public async Task DeleteRemovesTheResource()
    {
        await using var s = await WithWidgetsAsync();
        var file = s.Manifest("w.yaml", Manifests.Widget("alpha", 3));
        (await s.Kubectl.RunAsync("apply", "-f", file)).Succeeded();

        var deleted = (await s.Kubectl.RunAsync("delete", "-f", file)).Succeeded();
        var get = await s.Kubectl.RunAsync("get", "widget", "alpha");

        Assert.Contains("widget.example.com \"alpha\" deleted", deleted.Stdout, StringComparison.Ordinal);
        Assert.Contains("widgets.example.com \"alpha\" not found", get.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFinalizerHoldsDeletionUntilItIsRemoved()
    {
        await using var s = await WithWidgetsAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("w.yaml", Manifests.Widget("alpha", 3).Replace("  name: alpha", "  name: alpha\n  finalizers: [example.com/cleanup]", StringComparison.Ordinal)))).Succeeded();

        (await s.Kubectl.RunAsync("delete", "widget", "alpha", "--wait=false")).Succeeded();
        var held = (await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "jsonpath={.metadata.deletionTimestamp}")).Succeeded();
        var addFinalizer = await s.Kubectl.RunAsync("patch", "widget", "alpha", "--type=json", "-p", """[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/late"}]""");
        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--type=merge", "-p", """{"metadata":{"finalizers":null}}""")).Succeeded();
        var gone = await s.Kubectl.RunAsync("get", "widget", "alpha");

        Assert.NotEqual("", held.Stdout);
        Assert.NotEqual(0, addFinalizer.ExitCode);
        Assert.Contains("no new finalizers can be added if the object is being deleted", addFinalizer.Stderr, StringComparison.Ordinal);
        Assert.Contains("not found", gone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleWritesConflict()
    {
        await using var s = await WithWidgetsAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("w.yaml", Manifests.Widget("alpha", 3)))).Succeeded();
        var stale = (await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "json")).Succeeded().Stdout;
        (await s.Kubectl.RunAsync("patch", "widget", "alpha", "--type=merge", "-p", """{"spec":{"size":4}}""")).Succeeded();

        var replace = await s.Kubectl.RunAsync("replace", "-f", s.Manifest("stale.json", stale.Replace("\"size\": 3", "\"size\": 9", StringComparison.Ordinal)));
        var viaHttp = await s.Http.PutAsync(
            "/apis/example.com/v1/namespaces/default/widgets/alpha",
            new StringContent(stale, System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var status = JsonNode.Parse(await viaHttp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        var size = (await s.Kubectl.RunAsync("get", "widget", "alpha", "-o", "jsonpath={.spec.size}")).Succeeded();

        Assert.NotEqual(0, replace.ExitCode);
        Assert.Contains("the object has been modified; please apply your changes to the latest version and try again", replace.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, viaHttp.StatusCode);
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal(409, status["code"]!.GetValue<int>());
        Assert.Equal("4", size.Stdout);
    }

    [Fact]
    public async Task ClusterScopedCustomResourcesAreServed()
    {
        await using var s = await SandboxScope.StartAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("crd.yaml", Manifests.ClusterGadgetCrd))).Succeeded();

        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("g.yaml", """
            apiVersion: example.com/v1
            kind: Gadget
            metadata:
              name: g1
            spec:
              anything: [1, 2]
            """))).Succeeded();
        var got = (await s.Kubectl.RunAsync("get", "gadget", "g1", "-o", "jsonpath={.spec.anything}")).Succeeded();

        Assert.Equal("[1,2]", got.Stdout);
        Assert.Contains(s.Sandbox.RequestLog, r => r.Path.StartsWith("/apis/example.com/v1/gadgets", StringComparison.Ordinal) && r.Namespace.Length == 0);
    }
}
