using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Tests.Protobuf;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Kubectl;

/// <summary>kubectl's create subcommands send protobuf bodies; the sandbox stores what they describe.</summary>
public sealed class KubectlCreateTests
{
    [Fact]
    public async Task CreateNamespaceConfigMapSecretAndServiceAccountSucceedAndReadBack()
    {
        await using var s = await SandboxScope.StartAsync();

        (await s.Kubectl.RunAsync("create", "namespace", "team")).Succeeded();
        (await s.Kubectl.RunAsync("create", "configmap", "settings", "--from-literal=a=b", "-n", "team")).Succeeded();
        (await s.Kubectl.RunAsync("create", "secret", "generic", "creds", "--from-literal=k=v")).Succeeded();
        (await s.Kubectl.RunAsync("create", "serviceaccount", "robot", "-n", "team")).Succeeded();
        var ns = await GetJsonAsync(s, "namespace", "team");
        var cm = await GetJsonAsync(s, "configmap", "settings", "-n", "team");
        var secret = await GetJsonAsync(s, "secret", "creds");
        var sa = await GetJsonAsync(s, "serviceaccount", "robot", "-n", "team");
        var creates = s.Sandbox.RequestLog.Where(r => r.Verb == "create").ToList();

        Assert.Equal("Active", ns["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("b", cm["data"]!["a"]!.GetValue<string>());
        Assert.Equal("team", cm["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("dg==", secret["data"]!["k"]!.GetValue<string>());
        Assert.Equal("Opaque", secret["type"]!.GetValue<string>());
        Assert.Equal("default", secret["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("robot", sa["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(4, creates.Count);
        Assert.All(creates, r => Assert.StartsWith("application/vnd.kubernetes.protobuf", r.ContentType, StringComparison.Ordinal));
        Assert.All(creates, r => Assert.Equal(201, r.StatusCode));
    }

    [Fact]
    public async Task ApplyOfAListCreatesEveryItemWithClientSideValidation()
    {
        await using var s = await SandboxScope.StartAsync();
        var list = s.Manifest("list.yaml", """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: one, namespace: default}
              data: {a: b}
            - apiVersion: v1
              kind: Secret
              metadata: {name: two, namespace: default}
              stringData: {c: d}
            """);

        // kubectl validates a List client-side against /openapi/v2, whose protobuf answer it must be able to parse.
        (await s.Kubectl.RunAsync("apply", "-f", list)).Succeeded();
        var names = (await s.Kubectl.RunAsync("get", "configmap/one", "secret/two", "-o", "name")).Succeeded().Stdout;

        Assert.Equal(["configmap/one", "secret/two"], names.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var openapi = s.Sandbox.RequestLog.Where(r => r.Path.StartsWith("/openapi/v2", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(openapi);
        Assert.All(openapi, r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task CreateRbacServiceAndDeploymentSucceedAndReadBack()
    {
        await using var s = await SandboxScope.StartAsync();

        (await s.Kubectl.RunAsync("create", "role", "reader", "--verb=get,list", "--resource=configmaps")).Succeeded();
        (await s.Kubectl.RunAsync("create", "rolebinding", "reader", "--role=reader", "--serviceaccount=default:robot")).Succeeded();
        (await s.Kubectl.RunAsync("create", "clusterrole", "viewer", "--verb=get", "--resource=deployments.apps")).Succeeded();
        (await s.Kubectl.RunAsync("create", "clusterrolebinding", "viewer", "--clusterrole=viewer", "--user=bob")).Succeeded();
        (await s.Kubectl.RunAsync("create", "service", "clusterip", "web", "--tcp=80:8080")).Succeeded();
        (await s.Kubectl.RunAsync("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80")).Succeeded();
        var role = await GetJsonAsync(s, "role", "reader");
        var binding = await GetJsonAsync(s, "rolebinding", "reader");
        var clusterRole = await GetJsonAsync(s, "clusterrole", "viewer");
        var clusterBinding = await GetJsonAsync(s, "clusterrolebinding", "viewer");
        var service = await GetJsonAsync(s, "service", "web");
        var deployment = await GetJsonAsync(s, "deployment", "web");

        Assert.Equal("""[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]""", role["rules"]!.ToJsonString());
        Assert.Equal("""[{"kind":"ServiceAccount","name":"robot","namespace":"default"}]""", binding["subjects"]!.ToJsonString());
        Assert.Equal("""{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"}""", binding["roleRef"]!.ToJsonString());
        Assert.Equal("apps", clusterRole["rules"]![0]!["apiGroups"]![0]!.GetValue<string>());
        Assert.Equal("bob", clusterBinding["subjects"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(8080, service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>());
        Assert.Equal("web", service["spec"]!["selector"]!["app"]!.GetValue<string>());
        Assert.Equal(2, deployment["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("nginx:1.27", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(80, deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<int>());
    }

    [Fact]
    public async Task CreateIntoAMissingNamespaceIsNotFoundAsWithJson()
    {
        await using var s = await SandboxScope.StartAsync();

        var result = await s.Kubectl.RunAsync("create", "configmap", "x", "--from-literal=a=b", "-n", "nowhere");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("namespaces \"nowhere\" not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProtobufBodyOfAnUnsupportedKindIsUnsupportedMediaType()
    {
        await using var s = await SandboxScope.StartAsync();
        using var content = new ByteArrayContent(ProtobufDecoderTests.Envelope("v1", "Pod", [0x0a, 0x03, 0x0a, 0x01, (byte)'p']));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");

        using var response = await s.Http.PostAsync("/api/v1/namespaces/default/configmaps", content, TestContext.Current.CancellationToken);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("UnsupportedMediaType", status["reason"]!.GetValue<string>());
        Assert.Contains("not v1/Pod", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, s.Sandbox.CountObjects("", "configmaps"));
    }

    private static async Task<JsonObject> GetJsonAsync(SandboxScope s, params string[] what)
    {
        var result = (await s.Kubectl.RunAsync(["get", .. what, "-o", "json"])).Succeeded();
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }
}
