using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Rendering;
using SessionAudit.Reporting.Tests.Support;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed partial class HtmlReportTests
{
    private static async Task<(SessionReport Report, string Html)> RenderAsync(ReportOptions options, SeededHistory seed)
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await ReportRun.ExportAsync(seed, options, ct);
        using var writer = new StringWriter();
        await HtmlReportRenderer.RenderAsync(run.Report, writer, ct);
        return (run.Report, writer.ToString());
    }

    private static SeededHistory SeedWithNodes()
    {
        var seed = new SeededHistory();
        seed.Instances.Add(new ManagedInstance { InstanceId = "i-0win2008r2", ComputerName = "legacy-<db>", PlatformType = "Windows", PlatformName = "Microsoft Windows Server 2008 R2 Datacenter", PlatformVersion = "6.1.7601", AgentVersion = "2.3.538.0", PingStatus = "Online" });
        seed.Instances.Add(new ManagedInstance { InstanceId = "i-0win2012r2", PlatformType = "Windows", PlatformName = "Microsoft Windows Server 2012 R2 Datacenter", PlatformVersion = "6.3.9600", AgentVersion = "3.3.40.0", PingStatus = "Online" });
        seed.Instances.Add(new ManagedInstance { InstanceId = "i-0linux", PlatformType = "Linux", PlatformName = "Amazon Linux", PlatformVersion = "2", AgentVersion = "3.3.40.0", PingStatus = "ConnectionLost" });
        return seed;
    }

    [Fact]
    public async Task The_page_loads_nothing_from_anywhere()
    {
        var (_, html) = await RenderAsync(new ReportOptions { KmsEncryptionConfigured = true }, SeedWithNodes());

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("legacy-&lt;db&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chromium_renders_the_chart_the_tables_and_the_highlights()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = SeedWithNodes();
        var (report, html) = await RenderAsync(new ReportOptions { KmsEncryptionConfigured = true, Account = "111122223333", Region = "eu-west-1" }, seed);
        var dir = Artifacts.Directory;
        var page = Path.Combine(dir, "session-report.html");
        await File.WriteAllTextAsync(page, html, ct);

        // The page as a browser builds it from the file, with its Content-Security-Policy in force.
        var dom = await Chromium.DumpDomAsync(page, ct);
        Assert.Contains("<title>Session Manager activity, account 111122223333, eu-west-1, last 30 days</title>", dom, StringComparison.Ordinal);
        Assert.Contains("<p id=\"source\">Account 111122223333, eu-west-1. Last 30 days: ", dom, StringComparison.Ordinal);
        Assert.Equal(31, BarRegex().Matches(dom).Count);
        Assert.Equal(report.SessionsPerDay.Count(d => d.Unlogged > 0), Regex.Matches(dom, "<rect class=\"bar-unlogged\"").Count);
        Assert.Equal(262, Regex.Matches(Section(dom, "all-sessions"), "<tr[ >]").Count - 1);
        Assert.Equal(seed.ExpectedUnlogged, Regex.Matches(Section(dom, "all-sessions"), "<tr class=\"unlogged\"").Count);
        Assert.Equal(seed.ExpectedUnlogged, Regex.Matches(Section(dom, "unlogged-sessions"), "<tr class=\"unlogged\"").Count);
        Assert.Contains("data-session=\"open1-0a1b2c3d4e5f\" data-reason=\"ssh\"", dom, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"warning\" data-instance=\"i-0win2008r2\">", dom, StringComparison.Ordinal);
        Assert.Contains("<tr data-instance=\"i-0win2012r2\">", dom, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(dom, "data-code=\"(windows-before-2012r2|agent-too-old-for-kms)\"").Count);
        Assert.Equal(10, Regex.Matches(Section(dom, "top-targets"), "<tr>").Count);

        // Layout and style, measured by the browser: a probe script in a copy of the page (the original forbids scripts).
        var probePage = Path.Combine(dir, "session-report.probe.html");
        var probeHtml = CspRegex().Replace(html, string.Empty).Replace("</body>", ProbeScript + "</body>", StringComparison.Ordinal);
        await File.WriteAllTextAsync(probePage, probeHtml, ct);
        var probeDom = await Chromium.DumpDomAsync(probePage, ct);
        var probeJson = ProbeRegex().Match(probeDom);
        Assert.True(probeJson.Success, "the probe script ran");
        using var probe = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(probeJson.Groups[1].Value));
        var heights = probe.RootElement.GetProperty("bars").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(report.SessionsPerDay.Count, heights.Length);
        for (var i = 0; i < heights.Length; i++)
        {
            Assert.Equal(report.SessionsPerDay[i].Sessions > 0, heights[i] > 0.5);
        }

        var busiest = report.SessionsPerDay.Select((d, i) => (d.Sessions, i)).Max().i;
        Assert.Equal(heights.Max(), heights[busiest], 3);
        var quietest = report.SessionsPerDay.Select((d, i) => (d.Sessions, i)).Where(x => x.Sessions > 0).Min().i;
        Assert.Equal(heights[busiest] * report.SessionsPerDay[quietest].Sessions / report.SessionsPerDay[busiest].Sessions, heights[quietest], 0);
        Assert.Equal("rgb(255, 235, 233)", probe.RootElement.GetProperty("unloggedBackground").GetString());
        Assert.Equal("rgba(0, 0, 0, 0)", probe.RootElement.GetProperty("loggedBackground").GetString());
        Assert.Equal("rgb(207, 34, 46)", probe.RootElement.GetProperty("unloggedBarFill").GetString());
        Assert.True(probe.RootElement.GetProperty("chartWidth").GetDouble() > 500);
        // At 1280 px every column of the session table is on screen: long owners and documents wrap, nothing scrolls.
        Assert.Equal(Chromium.Width, probe.RootElement.GetProperty("viewport").GetInt32());
        Assert.True(probe.RootElement.GetProperty("sessionsOverflow").GetDouble() <= 0, $"the session table is {probe.RootElement.GetProperty("sessionsOverflow")} px wider than its box");
        Assert.True(probe.RootElement.GetProperty("sessionsRight").GetDouble() <= Chromium.Width, $"the session table ends at {probe.RootElement.GetProperty("sessionsRight")} px");

        // A picture for people, kept with the test results.
        var png = Path.Combine(dir, "session-report.png");
        File.Delete(png);
        await Chromium.ScreenshotAsync(page, png, ct);
        var bytes = await File.ReadAllBytesAsync(png, ct);
        Assert.True(bytes.Length > 10_000, $"screenshot of {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    [Fact]
    public async Task A_capped_page_says_how_many_sessions_it_shows()
    {
        var (_, html) = await RenderAsync(new ReportOptions { MaxRetainedRows = 60 }, new SeededHistory());

        Assert.Contains("Showing the 60 newest of 262 sessions; the CSV and JSON formats list all.", html, StringComparison.Ordinal);
        Assert.Contains("<title>Session Manager activity, last 30 days</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"unlogged-sessions-capped\"", html, StringComparison.Ordinal);
    }

    private static string Section(string dom, string id)
    {
        var start = dom.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"section {id} is on the page");
        var end = dom.IndexOf("</table>", start, StringComparison.Ordinal);
        return dom[start..end];
    }

    private const string ProbeScript = """
        <script>
        const bars = [...document.querySelectorAll('svg.chart rect.bar')].map(r => r.getBoundingClientRect().height);
        const cell = sel => document.querySelector(sel);
        const probe = {
          bars,
          unloggedBackground: getComputedStyle(cell('#all-sessions tr.unlogged td')).backgroundColor,
          loggedBackground: getComputedStyle(cell('#all-sessions tr:not(.unlogged) td')).backgroundColor,
          unloggedBarFill: getComputedStyle(cell('svg.chart rect.bar-unlogged')).fill,
          chartWidth: cell('svg.chart').getBoundingClientRect().width,
          viewport: window.innerWidth,
          sessionsOverflow: cell('#all-sessions').parentElement.scrollWidth - cell('#all-sessions').parentElement.clientWidth,
          sessionsRight: cell('#all-sessions').getBoundingClientRect().right,
        };
        const out = document.createElement('pre');
        out.id = 'probe';
        out.textContent = JSON.stringify(probe);
        document.body.appendChild(out);
        </script>
        """;

    [GeneratedRegex("<rect class=\"bar\" ")]
    private static partial Regex BarRegex();

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\"[^>]*>")]
    private static partial Regex CspRegex();

    [GeneratedRegex("<pre id=\"probe\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ProbeRegex();
}
