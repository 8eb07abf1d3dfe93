using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SimpleSystemsManagement.Model;
using k8s;
using SessionAudit.Aws;
using SessionAudit.Operator.Hosting;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Sandbox.Aws;
using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Operator.Sandbox;

/// <summary>One run of `session-audit sandbox`: start, install, apply, show, then serve until interrupted.</summary>
internal sealed record SandboxRun(
    TextWriter Output,
    int K8sPort,
    int AwsPort,
    string? SeedFile,
    string? ExamplesDirectory,
    string StateDirectory,
    bool KeepState,
    bool RunOperator)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    public async Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        // The stand-ins leave signals to their host process; this command is that process.
        using var signal = new ShutdownSignal(cancellation);
        var ct = signal.Token;
        await using var world = await SandboxWorld.StartAsync(
            new SandboxWorldOptions
            {
                Directory = StateDirectory,
                // No anonymous access: the stand-in evaluates no RBAC, so an anonymous identity would have every right.
                Kubernetes = new KubernetesSandboxOptions { Port = K8sPort, AnonymousIdentity = null },
                Aws = new AwsSandboxOptions { Port = AwsPort, SeedFile = SeedFile },
                KeepAwsState = KeepState,
            },
            ct);
        await Output.WriteLineAsync($"KUBECONFIG={world.Kubeconfig}");
        foreach (var (k, v) in world.AwsSettings)
        {
            await Output.WriteLineAsync($"{k}={v}");
        }

        var env = SandboxEnvFile.Write(StateDirectory, world.Kubeconfig, world.AwsSettings);
        await Output.WriteLineAsync($"ENV_FILE={env}");
        await Output.WriteLineAsync(SeedFile is null ? "# AWS sandbox: empty world (no seed file found)" : $"# AWS sandbox seeded from {SeedFile}");
        await Output.WriteLineAsync($"# in another shell: source {env}   then: kubectl get slp; aws_sandbox s3api list-buckets");
        if (!RunOperator)
        {
            await Output.WriteLineAsync("# serving the sandboxes only (--no-operator); Ctrl+C stops");
            await WaitForStopAsync(ct);
            return 0;
        }

        await world.InstallCrdAsync(ct);
        var app = await world.StartOperatorAsync(null, ct);
        await Output.WriteLineAsync($"HTTP={OperatorRunner.ListeningUrl(app)}");
        await Output.WriteLineAsync($"REPORTS={OperatorRunner.ReportsUrl(app)}");

        using var kube = world.NewKubernetesClient();
        var applied = ExamplesDirectory is null ? [] : await ApplyExamplesAsync(kube, ExamplesDirectory, ct);
        if (applied.Count > 0)
        {
            await ShowAsync(kube, applied, app.Services.GetRequiredService<AwsScopeFactory>(), ct);
        }

        await Output.WriteLineAsync($"# operator running; try: KUBECONFIG={world.Kubeconfig} kubectl get slp   (Ctrl+C stops)");
        // The operator's host owns Ctrl+C and SIGTERM once it runs (its console lifetime swallows the signal and
        // stops the host), so wait for its stopping as well as for the command line's cancellation. The world stops
        // the operator, then the stand-ins.
        using (var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping))
        {
            await WaitForStopAsync(stopping.Token);
        }

        return 0;
    }

    private static async Task WaitForStopAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<IReadOnlyList<string>> ApplyExamplesAsync(k8s.Kubernetes kube, string directory, CancellationToken ct)
    {
        var names = new List<string>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (var doc in PolicyManifest.ReadDocuments(await File.ReadAllTextAsync(file, ct)))
            {
                if (doc["kind"]?.GetValue<string>() != SessionLoggingPolicy.KindName)
                {
                    continue;
                }

                var name = doc["metadata"]?["name"]?.GetValue<string>() ?? "";
                try
                {
                    await kube.CustomObjects.CreateClusterCustomObjectAsync(
                        JsonSerializer.Deserialize<JsonElement>(doc.ToJsonString()),
                        SessionLoggingPolicy.Group, SessionLoggingPolicy.Version, SessionLoggingPolicy.Plural, cancellationToken: ct);
                    names.Add(name);
                    await Output.WriteLineAsync($"sessionloggingpolicy.sessionaudit.io/{name} created ({Path.GetFileName(file)})");
                }
                catch (k8s.Autorest.HttpOperationException e)
                {
                    await Output.WriteLineAsync($"sessionloggingpolicy.sessionaudit.io/{name} rejected ({Path.GetFileName(file)}): {e.Response.Content}");
                }
            }
        }

        return names;
    }

    private async Task ShowAsync(k8s.Kubernetes kube, IReadOnlyList<string> names, AwsScopeFactory aws, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        List<SessionLoggingPolicyResource> policies;
        while (true)
        {
            policies = [];
            foreach (var name in names)
            {
                var obj = await kube.CustomObjects.GetClusterCustomObjectAsync(SessionLoggingPolicy.Group, SessionLoggingPolicy.Version, SessionLoggingPolicy.Plural, name, ct);
                policies.Add(KubernetesJson.Deserialize<SessionLoggingPolicyResource>(JsonSerializer.Serialize(obj)));
            }

            var settled = policies.All(p => PolicyMapping.ReadStatus(p) is { } s && s.ObservedGeneration == p.Metadata.Generation
                && s.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
            if (settled || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200, ct);
        }

        await Output.WriteLineAsync();
        await Output.WriteLineAsync($"{"NAME",-20} {"READY",-6} {"REASON",-24} {"REGION",-10} MESSAGE");
        foreach (var p in policies)
        {
            var ready = PolicyMapping.ReadStatus(p)?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            var region = p.Spec is { } spec && spec.TryGetProperty("region", out var r) ? r.GetString() : "";
            await Output.WriteLineAsync($"{p.Metadata.Name,-20} {ready?.Status ?? "-",-6} {ready?.Reason ?? "-",-24} {region,-10} {ready?.Message}");
        }

        foreach (var p in policies)
        {
            if (!PolicyMapping.TryToDomain(p, out var policy, out _) || policy!.Spec.RoleArn is { Length: > 0 })
            {
                continue;
            }

            try
            {
                var clients = aws.Clients(AwsScope.Of(policy.Spec));
                var doc = await clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = policy.Spec.DocumentName }, ct);
                var pretty = JsonNode.Parse(doc.Content)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
                await Output.WriteLineAsync();
                await Output.WriteLineAsync($"# {policy.Spec.DocumentName} (version {doc.DocumentVersion}) in {policy.Spec.Region}, written by policy {policy.Metadata.Name}:");
                await Output.WriteLineAsync(pretty);
            }
            catch (Amazon.SimpleSystemsManagement.Model.InvalidDocumentException)
            {
                await Output.WriteLineAsync($"# {policy.Spec.DocumentName} does not exist (yet) in {policy.Spec.Region}");
            }
        }
    }
}
