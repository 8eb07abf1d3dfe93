using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SimpleSystemsManagement.Model;
using k8s;
using k8s.Models;
using SessionAudit.Aws;
using SessionAudit.Operator.Hosting;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Accounts;
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
        string? note = null;
        try
        {
            note = RunningSandboxes.Register(env);
        }
        catch (Exception e) when (e is Cli.UsageException or IOException or UnauthorizedAccessException)
        {
            await Output.WriteLineAsync($"# `session-audit sandbox env` will not find this sandbox: {e.Message}");
        }

        try
        {
            return await ServeAsync(world, env, ct);
        }
        finally
        {
            if (note is not null)
            {
                RunningSandboxes.TryDelete(note);
            }
        }
    }

    private async Task<int> ServeAsync(SandboxWorld world, string env, CancellationToken ct)
    {
        await Output.WriteLineAsync(SeedFile is null ? "# AWS sandbox: empty world (no seed file found)" : $"# AWS sandbox seeded from {SeedFile}");
        if (!RunOperator)
        {
            await WriteUsageAsync(world, env, "sandboxes only (--no-operator)", null);
            await WaitForStopAsync(ct);
            return 0;
        }

        await world.InstallCrdAsync(ct);
        var app = await world.StartOperatorAsync(null, ct);
        await Output.WriteLineAsync($"HTTP={OperatorRunner.ListeningUrl(app)}");
        await Output.WriteLineAsync($"REPORTS={OperatorRunner.ReportsUrl(app)}");

        using var kube = world.NewKubernetesClient();
        var applied = ExamplesDirectory is null ? [] : await ApplyExamplesAsync(kube, ExamplesDirectory, ct);
        string? document = null;
        if (applied.Count > 0)
        {
            document = await ShowAsync(kube, applied, app.Services.GetRequiredService<AwsScopeFactory>(), ct);
        }

        await WriteUsageAsync(world, env, "operator running", document);
        // The operator's host owns Ctrl+C and SIGTERM once it runs (its console lifetime swallows the signal and
        // stops the host), so wait for its stopping as well as for the command line's cancellation. The world stops
        // the operator, then the stand-ins.
        using (var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping))
        {
            await WaitForStopAsync(stopping.Token);
        }

        return 0;
    }

    /// <summary>The last lines, the ones a user needs: how to reach the sandbox from another shell. The AWS command names
    /// the endpoint itself, as AWS CLIs before 2.13 (Debian's 2.9) ignore AWS_ENDPOINT_URL.</summary>
    private async Task WriteUsageAsync(SandboxWorld world, string env, string what, string? document)
    {
        var endpoint = world.AwsSettings["AWS_ENDPOINT_URL"];
        var aws = document is null
            ? $"aws --endpoint-url {endpoint} s3api list-buckets"
            : $"aws --endpoint-url {endpoint} ssm get-document --name {document} --query Content --output text";
        await Output.WriteLineAsync();
        await Output.WriteLineAsync($"# {what}; Ctrl+C stops. In another shell:");
        await Output.WriteLineAsync($"#   source {env}        (or: eval \"$(session-audit sandbox env)\")");
        if (RunOperator)
        {
            await Output.WriteLineAsync("#   kubectl get slp");
        }
        else
        {
            await Output.WriteLineAsync("#   kubectl get namespaces");
        }

        await Output.WriteLineAsync($"#   {aws}");
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

    // What a cluster admin applies (AwsAccounts, the Secrets they read) goes first, so no policy waits for its account.
    private async Task<IReadOnlyList<string>> ApplyExamplesAsync(k8s.Kubernetes kube, string directory, CancellationToken ct)
    {
        var documents = new List<(string File, JsonObject Doc)>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            documents.AddRange(PolicyManifest.ReadDocuments(await File.ReadAllTextAsync(file, ct)).Select(d => (Path.GetFileName(file), d)));
        }

        var names = new List<string>();
        foreach (var kind in new[] { "Secret", AwsAccount.KindName, SessionLoggingPolicy.KindName })
        {
            foreach (var (file, doc) in documents.Where(d => d.Doc["kind"]?.GetValue<string>() == kind))
            {
                var name = doc["metadata"]?["name"]?.GetValue<string>() ?? "";
                var body = JsonSerializer.Deserialize<JsonElement>(LastAppliedConfiguration.Annotate(doc).ToJsonString());
                var shown = kind == "Secret" ? $"secret/{name}" : $"{kind.ToLowerInvariant()}.{SessionLoggingPolicy.Group}/{name}";
                try
                {
                    switch (kind)
                    {
                        case "Secret":
                            var ns = doc["metadata"]?["namespace"]?.GetValue<string>() ?? "default";
                            await EnsureNamespaceAsync(kube, ns, ct);
                            await kube.CoreV1.CreateNamespacedSecretAsync(KubernetesJson.Deserialize<V1Secret>(body.GetRawText()), ns, cancellationToken: ct);
                            break;
                        case AwsAccount.KindName:
                            await kube.CustomObjects.CreateClusterCustomObjectAsync(body, SessionLoggingPolicy.Group, SessionLoggingPolicy.Version, AwsAccount.Plural, cancellationToken: ct);
                            break;
                        default:
                            await kube.CustomObjects.CreateClusterCustomObjectAsync(body, SessionLoggingPolicy.Group, SessionLoggingPolicy.Version, SessionLoggingPolicy.Plural, cancellationToken: ct);
                            names.Add(name);
                            break;
                    }

                    await Output.WriteLineAsync($"{shown} created ({file})");
                }
                catch (k8s.Autorest.HttpOperationException e)
                {
                    await Output.WriteLineAsync($"{shown} rejected ({file}): {e.Response.Content}");
                }
            }
        }

        return names;
    }

    private static async Task EnsureNamespaceAsync(k8s.Kubernetes kube, string ns, CancellationToken ct)
    {
        try
        {
            await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }
    }

    private async Task<string?> ShowAsync(k8s.Kubernetes kube, IReadOnlyList<string> names, AwsScopeFactory aws, CancellationToken ct)
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

        // One line per preferences document the operator wrote in the operator's own account; the document itself is one
        // `aws ssm get-document` away (the last lines say how), not pages of JSON here.
        string? shown = null;
        await Output.WriteLineAsync();
        foreach (var p in policies)
        {
            if (!PolicyMapping.TryToDomain(p, out var policy, out _) || policy!.Spec.AccountRef is not null)
            {
                continue;
            }

            try
            {
                var clients = aws.Clients(new AwsScope(policy.Spec.Region));
                var doc = await clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = policy.Spec.DocumentName }, ct);
                var inputs = JsonNode.Parse(doc.Content)?["inputs"];
                string? Input(string key) => inputs?[key] is JsonValue v && v.ToString() is { Length: > 0 } text ? text : null;
                var logs = string.Join(", ", new[] { Input("s3BucketName") is { } b ? $"s3://{b}/{Input("s3KeyPrefix")}" : null, Input("cloudWatchLogGroupName") }.OfType<string>());
                await Output.WriteLineAsync($"# {policy.Metadata.Name}: {policy.Spec.DocumentName} version {doc.DocumentVersion} in {policy.Spec.Region}, logs to {(logs.Length > 0 ? logs : "nowhere")}");
                // The Session document ordinary sessions use, when an example writes it.
                if (policy.Spec.Region == SandboxWorld.Region && (shown is null || policy.Spec.DocumentName == "SSM-SessionManagerRunShell"))
                {
                    shown = policy.Spec.DocumentName;
                }
            }
            catch (Amazon.SimpleSystemsManagement.Model.InvalidDocumentException)
            {
                await Output.WriteLineAsync($"# {policy.Metadata.Name}: {policy.Spec.DocumentName} does not exist (yet) in {policy.Spec.Region}");
            }
        }

        return shown;
    }
}
