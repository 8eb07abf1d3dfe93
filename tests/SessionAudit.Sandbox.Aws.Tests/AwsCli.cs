using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>Runs the real AWS CLI v2 against a sandbox with fixed credentials and region.</summary>
public sealed class AwsCli(Uri endpoint, string accessKeyId = "AKIASANDBOXTEST00001", string region = "us-east-1", IReadOnlyDictionary<string, string>? env = null)
{
    public static string Path => Environment.GetEnvironmentVariable("SESSION_AUDIT_AWS_CLI") ?? "/usr/bin/aws";

    public string Region { get; } = region;

    public AwsCli As(string accessKey, string? inRegion = null) => new(endpoint, accessKey, inRegion ?? Region, env);

    public AwsCli In(string inRegion) => new(endpoint, accessKeyId, inRegion, env);

    public AwsCli WithEnv(string name, string value) =>
        new(endpoint, accessKeyId, Region, new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { [name] = value });

    /// <summary>Runs one command; the result holds the exit code, stdout (parsed when JSON) and stderr.</summary>
    public async Task<CliResult> RunAsync(params string[] args)
    {
        if (!File.Exists(Path)) throw new FileNotFoundException($"AWS CLI not found at {Path} (install Debian package awscli or set SESSION_AUDIT_AWS_CLI)");
        var psi = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--endpoint-url");
        psi.ArgumentList.Add(endpoint.ToString().TrimEnd('/'));
        psi.ArgumentList.Add("--output");
        psi.ArgumentList.Add("json");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = accessKeyId;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "sandbox-secret";
        psi.Environment.Remove("AWS_SESSION_TOKEN");
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment.Remove("AWS_ENDPOINT_URL");
        psi.Environment["AWS_DEFAULT_REGION"] = Region;
        psi.Environment["AWS_REGION"] = Region;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_PAGER"] = "";
        psi.Environment["AWS_CONFIG_FILE"] = "/nonexistent/aws-config";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials";
        psi.Environment["AWS_MAX_ATTEMPTS"] = "1";
        psi.Environment["AWS_RETRY_MODE"] = "standard";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new CliResult(p.ExitCode, await stdout, await stderr, string.Join(' ', args));
    }

    /// <summary>Runs a command that must succeed and returns its JSON output (empty object when it prints nothing).</summary>
    public async Task<JsonObject> OkAsync(params string[] args)
    {
        var r = await RunAsync(args);
        Assert.True(r.ExitCode == 0, $"aws {r.Command} failed ({r.ExitCode}): {r.Stderr}");
        return r.Stdout.Trim().Length == 0 ? [] : (JsonObject)JsonNode.Parse(r.Stdout)!;
    }

    /// <summary>Runs a command that must fail with the given AWS error code (as the CLI prints it).</summary>
    public async Task<CliResult> FailsAsync(string errorCode, params string[] args)
    {
        var r = await RunAsync(args);
        Assert.True(r.ExitCode != 0, $"aws {r.Command} unexpectedly succeeded: {r.Stdout}");
        Assert.Contains($"({errorCode})", r.Stderr, StringComparison.Ordinal);
        return r;
    }
}

/// <summary>What one CLI run produced.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, string Command);
