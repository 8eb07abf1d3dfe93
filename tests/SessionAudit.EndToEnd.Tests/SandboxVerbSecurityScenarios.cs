using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The sandbox verb hands out a token with every right on its local API: its listeners stay on loopback, an
/// anonymous request is refused, and its state folder and files are private and cannot be redirected by another user.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class SandboxVerbSecurityScenarios
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Listeners_are_on_loopback_anonymous_requests_are_refused_and_the_state_is_private()
    {
        await using var sandbox = OperatorProcess.Start(["sandbox", "--no-operator"]);
        var kubeconfig = await sandbox.WaitForLineAsync("KUBECONFIG=", TimeSpan.FromSeconds(60), Ct);
        var endpoint = new Uri(await sandbox.WaitForLineAsync("AWS_ENDPOINT_URL=", TimeSpan.FromSeconds(10), Ct));
        var server = new Uri(ServerLine().Match(await File.ReadAllTextAsync(kubeconfig, Ct)).Groups[1].Value);
        var state = Path.GetDirectoryName(kubeconfig)!;
        try
        {
            Assert.Equal(IPAddress.Loopback, IPAddress.Parse(server.Host));
            Assert.Equal(IPAddress.Loopback, IPAddress.Parse(endpoint.Host));
            foreach (var port in new[] { server.Port, endpoint.Port })
            {
                Assert.Equal(["127.0.0.1"], await ListeningAddressesAsync(port));
            }

            // A fresh, unpredictable folder only its owner can enter; the token file only its owner can read.
            Assert.Matches("session-audit-sandbox-[A-Za-z0-9]{6,}$", state);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig));

            using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
            var refused = await anonymous.GetAsync(new Uri(server, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

            var kubectl = (await Tool.RunAsync(Tools.Kubectl, ["--kubeconfig", kubeconfig, "get", "namespaces", "-o", "name"], ct: Ct)).EnsureSuccess("kubectl get namespaces");
            Assert.Contains("namespace/default", kubectl.StdOut, StringComparison.Ordinal);

            // The env file, sourced by bash, is all kubectl and Debian's AWS CLI 2.9 (which ignores AWS_ENDPOINT_URL) need.
            var envFile = await sandbox.WaitForLineAsync("ENV_FILE=", TimeSpan.FromSeconds(5), Ct);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));
            var clean = CleanShell.Environment(state);
            var sourced = (await Tool.RunAsync("bash", ["-c", $"source '{envFile}' && kubectl get namespaces -o name && aws_sandbox --output json s3api list-buckets"], clean, ct: Ct))
                .EnsureSuccess("bash: source the env file, then kubectl and aws_sandbox");
            Assert.Contains("namespace/kube-system", sourced.StdOut, StringComparison.Ordinal);
            Assert.Contains("\"Buckets\"", sourced.StdOut, StringComparison.Ordinal);
            Assert.Contains("acme-session-logs", sourced.StdOut, StringComparison.Ordinal);
            Assert.Equal(0, await sandbox.TerminateAsync(TimeSpan.FromSeconds(15)));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task A_state_folder_that_is_a_link_writable_by_others_or_someone_elses_is_refused()
    {
        var root = Directory.CreateTempSubdirectory("sandbox-state-checks-").FullName;
        try
        {
            var target = Directory.CreateDirectory(Path.Combine(root, "elsewhere")).FullName;
            var link = Path.Combine(root, "link");
            Directory.CreateSymbolicLink(link, target);
            var open = Directory.CreateDirectory(Path.Combine(root, "open")).FullName;
            File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);
            var foreign = Directory.CreateDirectory(Path.Combine(root, "foreign")).FullName;
            File.SetUnixFileMode(foreign, (UnixFileMode)0b111_101_101);
            using (var chown = Process.Start("chown", ["65534", foreign]))
            {
                await chown.WaitForExitAsync(Ct);
                Assert.Equal(0, chown.ExitCode);
            }

            foreach (var (dir, why) in new[] { (link, "symbolic link"), (open, "writable by other users"), (foreign, "belongs to another user") })
            {
                var result = await Tool.RunAsync("dotnet", [Tools.OperatorDll, "sandbox", "--no-operator", "--state-dir", dir], ct: Ct);
                Assert.Equal(2, result.ExitCode);
                Assert.Contains(why, result.StdErr, StringComparison.Ordinal);
                Assert.Empty(Directory.GetFiles(dir));
            }

            Assert.Empty(Directory.GetFileSystemEntries(target));

            // A folder that does not exist yet is created private.
            var fresh = Path.Combine(root, "fresh");
            await using var sandbox = OperatorProcess.Start(["sandbox", "--no-operator", "--state-dir", fresh]);
            await sandbox.WaitForLineAsync("KUBECONFIG=", TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fresh));
            Assert.Equal(0, await sandbox.TerminateAsync(TimeSpan.FromSeconds(15)));

            // A link planted where the kubeconfig goes is replaced, not followed.
            var victim = Path.Combine(target, "victim");
            await File.WriteAllTextAsync(victim, "untouched", Ct);
            File.Delete(Path.Combine(fresh, "kubeconfig"));
            File.CreateSymbolicLink(Path.Combine(fresh, "kubeconfig"), victim);
            await using var again = OperatorProcess.Start(["sandbox", "--no-operator", "--state-dir", fresh]);
            var kubeconfig = await again.WaitForLineAsync("KUBECONFIG=", TimeSpan.FromSeconds(60), Ct);
            Assert.Equal("untouched", await File.ReadAllTextAsync(victim, Ct));
            Assert.Null(new FileInfo(kubeconfig).LinkTarget);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig));
            Assert.Equal(0, await again.TerminateAsync(TimeSpan.FromSeconds(15)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The local addresses a TCP port listens on, from /proc/net/tcp and tcp6 (what `ss -ltn` shows).</summary>
    private static async Task<string[]> ListeningAddressesAsync(int port)
    {
        var addresses = new List<string>();
        foreach (var (file, v6) in new[] { ("/proc/net/tcp", false), ("/proc/net/tcp6", true) })
        {
            foreach (var line in (await File.ReadAllLinesAsync(file, Ct)).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != "0A" || Convert.ToInt32(local[1], 16) != port)
                {
                    continue;
                }

                var bytes = Convert.FromHexString(local[0]);
                // /proc prints each 32-bit word in host (little-endian) order.
                for (var i = 0; i < bytes.Length; i += 4)
                {
                    Array.Reverse(bytes, i, 4);
                }

                addresses.Add(new IPAddress(v6 ? bytes : bytes[..4]).ToString());
            }
        }

        return [.. addresses.Distinct()];
    }

    [GeneratedRegex(@"server:\s*(\S+)")]
    private static partial Regex ServerLine();
}
