namespace SessionAudit.Sandbox.Kubernetes.Tests.Kubectl;

/// <summary>`kubectl get events` prints the API server's event columns, as an operator's user reads them.</summary>
public sealed class KubectlEventsTests
{
    private const string Events = """
        apiVersion: v1
        kind: Event
        metadata:
          name: policy-a.1
          namespace: default
        involvedObject:
          apiVersion: sessionaudit.io/v1alpha1
          kind: SessionLoggingPolicy
          name: policy-a
        type: Warning
        reason: PrerequisiteFailed
        message: "  bucket audit-logs does not exist  "
        source:
          component: session-audit-operator
          host: node-1
        count: 3
        firstTimestamp: "2020-01-01T00:00:00Z"
        lastTimestamp: "2020-01-01T00:00:00Z"
        ---
        apiVersion: v1
        kind: Event
        metadata:
          name: policy-b.1
          namespace: default
        involvedObject:
          kind: SessionLoggingPolicy
          name: policy-b
        type: Normal
        reason: PreferencesUpdated
        message: wrote version 2
        reportingComponent: session-audit-operator
        eventTime: "2020-01-01T00:00:00.000000Z"
        """;

    [Fact]
    public async Task GetEventsPrintsLastSeenTypeReasonObjectAndMessage()
    {
        await using var s = await SandboxScope.StartAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("events.yaml", Events))).Succeeded();

        var lines = Table((await s.Kubectl.RunAsync("get", "events")).Succeeded().Stdout);

        Assert.Equal(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], lines[0]);
        var a = Assert.Single(lines, l => l[3] == "sessionloggingpolicy/policy-a");
        Assert.Equal("Warning", a[1]);
        Assert.Equal("PrerequisiteFailed", a[2]);
        Assert.Equal("bucket audit-logs does not exist", a[4]);
        Assert.Matches("^[0-9]+[yd]", a[0]);
        var b = Assert.Single(lines, l => l[3] == "sessionloggingpolicy/policy-b");
        Assert.Equal(["Normal", "PreferencesUpdated", "wrote version 2"], [b[1], b[2], b[4]]);
        // No lastTimestamp: the first sighting (eventTime) is the last one.
        Assert.Equal(a[0], b[0]);
    }

    [Fact]
    public async Task GetEventsWideAddsSourceCountAndName()
    {
        await using var s = await SandboxScope.StartAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("events.yaml", Events))).Succeeded();

        var lines = Table((await s.Kubectl.RunAsync("get", "events", "-o", "wide")).Succeeded().Stdout);

        Assert.Equal(["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"], lines[0]);
        var a = Assert.Single(lines, l => l[^1] == "policy-a.1");
        Assert.Equal(["session-audit-operator, node-1", "3"], [a[5], a[8]]);
        var b = Assert.Single(lines, l => l[^1] == "policy-b.1");
        // A singleton event of the new API counts once; the reporting component stands in for the source.
        Assert.Equal(["session-audit-operator", "1"], [b[5], b[8]]);
    }

    // Cells cut at the header's column starts (kubectl left-aligns every column; an empty cell is only spaces).
    private static List<string[]> Table(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0];
        var starts = new List<int> { 0 };
        for (var i = 1; i < header.Length; i++)
        {
            if (header[i] != ' ' && header[i - 1] == ' ' && i >= 2 && header[i - 2] == ' ')
            {
                starts.Add(i);
            }
        }

        return lines.Select(line => starts.Select((start, k) =>
        {
            var end = k + 1 < starts.Count ? Math.Min(starts[k + 1], line.Length) : line.Length;
            return start < line.Length ? line[start..end].Trim() : "";
        }).ToArray()).ToList();
    }
}
