using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.Image.Tests;

/// <summary>
/// The image as a cluster gets it: the unchanged Dockerfile built with buildah on stand-ins of its two base images, run
/// with podman as the Deployment runs it (read-only root, tmpfs /tmp, UID 1654, no capabilities, no new privileges), and
/// given the sandboxes only through in-cluster configuration: a mounted service-account folder (token, ca.crt, namespace)
/// and KUBERNETES_SERVICE_HOST/PORT, the path production takes and no other test runs.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ImageScenarios
{
    private const string Image = "localhost/session-audit-operator:image-test";

    /// <summary>Every container this test starts is named so, and removed (podman rm -f) even when the test fails.</summary>
    private const string NamePrefix = "session-audit-image-";

    /// <summary>The identity the mounted token authenticates, as a pod's service account would.</summary>
    private const string ServiceAccount = "system:serviceaccount:session-audit-system:session-audit-operator";

    /// <summary>The pod name: Kubernetes sets HOSTNAME to it, and the operator's Lease identity is HOSTNAME in a cluster.</summary>
    private const string PodName = "session-audit-operator-6d4f9c7b8-image";

    private const string Seed = """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                buckets:
                  - {name: image-session-logs, encryption: AES256}
        """;

    private const string Policy = """
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: image-s3
        spec:
          region: us-east-1
          documentName: Image-Test-Session-Preferences
          s3: {bucketName: image-session-logs, keyPrefix: sessions/}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_image_built_from_the_Dockerfile_runs_as_the_Deployment_runs_it_on_in_cluster_configuration()
    {
        var timings = new List<string>();
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        void Done(string what)
        {
            timings.Add($"{what}: {phase.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
            TestContext.Current.TestOutputHelper?.WriteLine(timings[^1]);
            phase.Restart();
        }

        var containers = Containers.Open();

        // Containers an earlier run left behind when its test host was killed before its cleanup (they would hold ports).
        var stale = await containers.PodmanAsync(["ps", "-a", "-q", "--filter", "name=^" + NamePrefix], ct: Ct);
        foreach (var id in stale.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await containers.PodmanAsync(["rm", "-f", "--time", "0", id], ct: Ct);
        }

        // The stand-in bases (cached: the rootfs in .tools/image, the images in the store there).
        var rootfs = await containers.RootfsAsync(Ct);
        Done("rootfs");
        var made = await containers.EnsureStandInsAsync(rootfs, Ct);
        Done(made ? "stand-in bases imported" : "stand-in bases reused");

        // Only where the machine cannot run a container at all is the test skipped.
        var smoke = await containers.PodmanAsync(["run", "--rm", "--network", "none", Containers.RuntimeBase, "/usr/share/dotnet/dotnet", "--list-runtimes"], ct: Ct);
        if (smoke.ExitCode != 0)
        {
            Assert.Skip($"this machine cannot run containers: `podman run --rm {Containers.RuntimeBase}` exited {smoke.ExitCode}: {smoke.StdErr.Trim()}");
        }

        Assert.Contains("Microsoft.AspNetCore.App", smoke.StdOut, StringComparison.Ordinal);
        Done("smoke run");

        // The unchanged Dockerfile; the restore comes from this machine's NuGet cache, mounted read-only, with no network.
        var nuget = NuGetPackages();
        var build = await containers.BuildahAsync(
            ["bud", "--layers", "--pull=never", "--network", "none", "--platform", "linux/amd64",
             "-v", $"{nuget}:/root/.nuget/packages:ro", "-t", Image, "-f", Path.Combine(Tools.RepoRoot, "Dockerfile"), Tools.RepoRoot],
            ct: Ct);
        Assert.True(build.ExitCode == 0, $"buildah bud exited {build.ExitCode}:\n{Tail(build.StdOut, 60)}\n{Tail(build.StdErr, 30)}");
        Done("buildah bud");

        // --layers keeps the build stage's layers for the next run (a warm build reuses restore and publish while the
        // sources are unchanged); untagged images left from builds of older sources go after a day.
        await containers.PodmanAsync(["image", "prune", "-f", "--filter", "until=24h"], ct: Ct);

        var config = JsonNode.Parse((await containers.PodmanAsync(["image", "inspect", Image], ct: Ct)).EnsureSuccess("podman image inspect").StdOut)![0]!;
        Assert.Equal("1654:1654", (string?)config["Config"]?["User"]);
        Assert.Equal("/app/session-audit", (string?)config["Config"]?["Entrypoint"]?[0]);

        await using var world = await TestWorld.StartAsync(Seed, installCrd: true, Ct);
        world.AddPerson();
        var serviceAccount = ServiceAccountFolder(world);
        var kubernetesPort = world.Kubernetes.Url.Port;
        var metricsPort = FreePort();
        var reportsPort = FreePort();
        var name = NamePrefix + Guid.NewGuid().ToString("N")[..10];
        Done("sandboxes");
        try
        {
            // deploy/deployment.yaml's pod: read-only root with only /tmp writable (--read-only-tmpfs=false: podman would
            // also make /run and /var/tmp writable, Kubernetes does not), UID/GID 1654, all capabilities dropped, no new
            // privileges; the service account mounted where the kubelet mounts it.
            var awsEnv = world.AwsEnvironment;
            var run = await containers.PodmanAsync(
                ["run", "-d", "--name", name, "--network", "host", "--hostname", PodName,
                 "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp", "--user", "1654:1654", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                 "-v", $"{serviceAccount}:/var/run/secrets/kubernetes.io/serviceaccount:ro",
                 "-e", "KUBERNETES_SERVICE_HOST=127.0.0.1", "-e", $"KUBERNETES_SERVICE_PORT={kubernetesPort}",
                 "-e", $"AWS_ENDPOINT_URL={awsEnv["AWS_ENDPOINT_URL"]}", "-e", $"AWS_ACCESS_KEY_ID={awsEnv["AWS_ACCESS_KEY_ID"]}",
                 "-e", $"AWS_SECRET_ACCESS_KEY={awsEnv["AWS_SECRET_ACCESS_KEY"]}", "-e", $"AWS_REGION={awsEnv["AWS_REGION"]}",
                 "-e", "AWS_EC2_METADATA_DISABLED=true",
                 Image,
                 "run", "--leader-elect=true", "--leader-election-namespace", "kube-system",
                 "--metrics-port", metricsPort.ToString(CultureInfo.InvariantCulture),
                 "--reports-port", reportsPort.ToString(CultureInfo.InvariantCulture),
                 "--log-format", "json"],
                ct: Ct);
            run.EnsureSuccess("podman run");

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var metrics = $"http://127.0.0.1:{metricsPort}";
            await Eventually.WaitAsync(
                async () => await StatusAsync(http, metrics + "/healthz") + " " + await StateAsync(containers, name),
                s => s.StartsWith("200 ", StringComparison.Ordinal) || !s.EndsWith(" running", StringComparison.Ordinal),
                TimeSpan.FromSeconds(60),
                "/healthz of the container",
                Ct);
            Assert.True(await StateAsync(containers, name) == "running", "the container exited:\n" + await LogsAsync(containers, name));
            Done("container serving /healthz");

            // Who the process is, read from the host's /proc of the container's process (the image has no tools to ask).
            var pid = (await containers.PodmanAsync(["inspect", "--format", "{{.State.Pid}}", name], ct: Ct)).EnsureSuccess("podman inspect").StdOut.Trim();
            var status = ProcStatus(pid);
            Assert.Equal("1654 1654 1654 1654", status["Uid"]);
            Assert.Equal("1654 1654 1654 1654", status["Gid"]);
            Assert.Equal("0000000000000000", status["CapEff"]);
            Assert.Equal("0000000000000000", status["CapPrm"]);
            Assert.Equal("1", status["NoNewPrivs"]);
            var mounts = File.ReadAllLines($"/proc/{pid}/mountinfo").Select(l => l.Split(' ')).ToDictionary(f => f[4], f => f[5], StringComparer.Ordinal);
            Assert.StartsWith("ro,", mounts["/"] + ",", StringComparison.Ordinal);
            Assert.StartsWith("rw,", mounts["/tmp"] + ",", StringComparison.Ordinal);
            Assert.StartsWith("ro,", mounts["/run/secrets/kubernetes.io/serviceaccount"] + ",", StringComparison.Ordinal);
            Assert.DoesNotContain(mounts, m => m.Value.StartsWith("rw", StringComparison.Ordinal) && m.Key is "/run" or "/var/tmp" or "/app" or "/home/app");
            var inspect = JsonNode.Parse((await containers.PodmanAsync(["inspect", name], ct: Ct)).StdOut)![0]!;
            Assert.True((bool?)inspect["HostConfig"]?["ReadonlyRootfs"], "podman reports a read-only root filesystem");
            Assert.True(File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("/app/session-audit\0run\0", StringComparison.Ordinal), "the ENTRYPOINT is the process itself");

            // The leader: the Lease in kube-system held under the pod's name, readiness once its cache is filled.
            var lease = await Eventually.WaitAsync(
                () => LeaseAsync(world),
                l => (string?)l?["spec"]?["holderIdentity"] == PodName,
                TimeSpan.FromSeconds(30),
                "the Lease kube-system/session-audit-operator held by " + PodName,
                Ct);
            Assert.NotNull(lease);
            await Eventually.WaitAsync(() => StatusAsync(http, metrics + "/readyz"), s => s == "200", TimeSpan.FromSeconds(30), "/readyz 200", Ct);
            Assert.Equal("200", await StatusAsync(http, metrics + "/healthz"));
            Assert.Equal("200", await StatusAsync(http, metrics + "/metrics"));
            // Session reports are on the loopback listener, never on the metrics port.
            Assert.Equal("404", await StatusAsync(http, metrics + "/reports"));
            Done("leader and ready");

            // A policy applied with kubectl becomes Ready, with the document written in the AWS sandbox.
            await world.KubectlAsync(["apply", "-f", "-"], Policy, ct: Ct);
            await world.KubectlWaitReadyAsync("image-s3", "60s", Ct);
            var inputs = (JsonObject)(await world.DocumentContentAsync("Image-Test-Session-Preferences", ct: Ct))["inputs"]!;
            Assert.Equal("image-session-logs", (string?)inputs["s3BucketName"]);
            Done("policy Ready");

            // Everything the container did in Kubernetes, it did as the mounted service account (the in-cluster path).
            var log = world.Kubernetes.RequestLog;
            Assert.Contains(log, r => r.Identity == ServiceAccount && r.Resource == "leases");
            Assert.Contains(log, r => r.Identity == ServiceAccount && r.Resource == "sessionloggingpolicies" && r.Subresource == "status");
            Assert.DoesNotContain(log, r => r.Identity != ServiceAccount && r.Identity != "admin");

            // A clean stop, as the kubelet does it: SIGTERM, exit 0 well before podman's SIGKILL, the Lease released.
            var renewTimeBefore = (string?)(await LeaseAsync(world))?["spec"]?["renewTime"];
            var stopStarted = DateTimeOffset.UtcNow;
            var stopWatch = Stopwatch.StartNew();
            (await containers.PodmanAsync(["stop", "--time", "30", name], ct: Ct)).EnsureSuccess("podman stop");
            stopWatch.Stop();
            var exit = (await containers.PodmanAsync(["inspect", "--format", "{{.State.ExitCode}}", name], ct: Ct)).StdOut.Trim();
            Assert.True(exit == "0", $"exit code {exit} after SIGTERM:\n{await LogsAsync(containers, name)}");
            Assert.True(stopWatch.Elapsed < TimeSpan.FromSeconds(25), $"stopping took {stopWatch.Elapsed.TotalSeconds:0.0} s");
            var released = await LeaseAsync(world);
            Assert.True(string.IsNullOrEmpty((string?)released?["spec"]?["holderIdentity"]), "the Lease is released on stop: " + released?["spec"]?.ToJsonString());
            Assert.NotNull(renewTimeBefore);
            Assert.Contains(world.Kubernetes.RequestLog, r =>
                r.Identity == ServiceAccount && r.Resource == "leases" && r.Verb == "update" && r.StatusCode == 200 && r.Time >= stopStarted);
            Done($"clean stop ({stopWatch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
        }
        catch
        {
            TestContext.Current.TestOutputHelper?.WriteLine("container log:\n" + await LogsAsync(containers, name));
            throw;
        }
        finally
        {
            await containers.PodmanAsync(["rm", "-f", "--time", "0", name], ct: CancellationToken.None);
            TestContext.Current.TestOutputHelper?.WriteLine($"total: {total.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({string.Join("; ", timings)})");
        }
    }

    /// <summary>The kubelet's service-account volume: token, ca.crt and namespace, readable by the pod's user.</summary>
    private static string ServiceAccountFolder(TestWorld world)
    {
        var dir = Path.Combine(world.Directory, "serviceaccount");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "token"), world.Kubernetes.TokenFor(ServiceAccount));
        File.WriteAllText(Path.Combine(dir, "ca.crt"), world.Kubernetes.CertificateAuthorityPem ?? throw new InvalidOperationException("the Kubernetes sandbox serves no TLS"));
        File.WriteAllText(Path.Combine(dir, "namespace"), "session-audit-system");
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        foreach (var f in Directory.GetFiles(dir))
        {
            File.SetUnixFileMode(f, readable);
        }

        File.SetUnixFileMode(dir, readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return dir;
    }

    private static async Task<JsonObject?> LeaseAsync(TestWorld world)
    {
        var result = await world.KubectlAsync(["-n", "kube-system", "get", "lease", "session-audit-operator", "-o", "json"], check: false, ct: Ct);
        return result.ExitCode == 0 ? JsonNode.Parse(result.StdOut)!.AsObject() : null;
    }

    private static async Task<string> StatusAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url, Ct);
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException e)
        {
            return "unreachable (" + e.Message + ")";
        }
        catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
        {
            return "no answer in 5 s";
        }
    }

    private static async Task<string> StateAsync(Containers containers, string name) =>
        (await containers.PodmanAsync(["inspect", "--format", "{{.State.Status}}", name], ct: Ct)).StdOut.Trim();

    private static async Task<string> LogsAsync(Containers containers, string name)
    {
        var logs = await containers.PodmanAsync(["logs", name], ct: CancellationToken.None);
        return Tail(logs.StdOut + logs.StdErr, 60);
    }

    private static Dictionary<string, string> ProcStatus(string pid) =>
        File.ReadAllLines($"/proc/{pid}/status")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => string.Join(' ', p[1].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)), StringComparer.Ordinal);

    /// <summary>This machine's NuGet global packages folder (`dotnet nuget locals global-packages -l`).</summary>
    private static string NuGetPackages()
    {
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.TrimEnd('/');
        }

        var psi = new ProcessStartInfo("dotnet", ["nuget", "locals", "global-packages", "-l"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("global-packages:", StringComparison.Ordinal));
        return line is not null
            ? line["global-packages:".Length..].Trim().TrimEnd('/')
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
