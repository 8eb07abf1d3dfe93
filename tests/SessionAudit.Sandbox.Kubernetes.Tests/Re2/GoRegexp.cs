using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Xunit;

namespace SessionAudit.Tests.Re2Reference;

/// <summary>
/// Go's own regexp, through our small program tests/Re2Reference (standard library only): the engine
/// kube-apiserver compiles CRD patterns with. Built once per test process; a missing Go fails the test
/// (scripts/tools.sh installs Debian's golang-go), it never skips.
/// </summary>
internal static class GoRegexp
{
    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Go's verdict for each pattern, and for each input whether it matches.</summary>
    public static IReadOnlyList<GoVerdict> Check(IReadOnlyList<(string Pattern, string[] Inputs)> cases)
    {
        var input = new StringBuilder();
        foreach (var (pattern, inputs) in cases)
        {
            input.Append(JsonSerializer.Serialize(new GoRequest(pattern, inputs))).Append('\n');
        }

        var (code, stdout, stderr) = Run(Binary.Value, [], input.ToString(), null);
        Assert.True(code == 0, $"re2check failed ({code}): {stderr}");
        var verdicts = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<GoVerdict>(l)!).ToList();
        Assert.Equal(cases.Count, verdicts.Count);
        return verdicts;
    }

    /// <summary>Go's error text for a pattern, or null when regexp.Compile accepts it.</summary>
    public static string? CompileError(string pattern) => Check([(pattern, [])])[0].Error;

    private static string Build()
    {
        var go = Environment.GetEnvironmentVariable("SESSION_AUDIT_GO") is { Length: > 0 } g ? g : "/usr/bin/go";
        if (!File.Exists(go))
        {
            Assert.Fail($"go not found at {go}: the RE2 reference needs Debian's golang-go (scripts/tools.sh installs it, or set SESSION_AUDIT_GO)");
        }

        var source = Path.Combine(RepositoryRoot(), "tests", "Re2Reference");
        var work = Path.Combine(AppContext.BaseDirectory, "re2check");
        Directory.CreateDirectory(work);
        var output = Path.Combine(work, "re2check");

        // A private build cache and module path, no proxy: the program needs nothing beyond the standard library.
        var env = new Dictionary<string, string>
        {
            ["GOCACHE"] = Path.Combine(work, "gocache"),
            ["GOPATH"] = Path.Combine(work, "gopath"),
            ["GOPROXY"] = "off",
            ["GOFLAGS"] = "",
            ["GOTOOLCHAIN"] = "local",
            ["HOME"] = work,
        };
        var (code, stdout, stderr) = Run(go, ["build", "-o", output, "."], "", env, source);
        Assert.True(code == 0, $"go build of {source} failed ({code}):\n{stderr}\n{stdout}");
        return output;
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string[] args, string stdin, Dictionary<string, string>? env, string? cwd = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        if (cwd is not null)
        {
            info.WorkingDirectory = cwd;
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? [])
        {
            info.Environment[k] = v;
        }

        using var p = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within 3 minutes");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionAuditOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SessionAuditOperator.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed record GoRequest([property: JsonPropertyName("pattern")] string Pattern, [property: JsonPropertyName("inputs")] string[] Inputs);
}

/// <summary>One line of re2check's answer.</summary>
internal sealed record GoVerdict(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("matches")] bool[]? Matches);
