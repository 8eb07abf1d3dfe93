using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Api;

/// <summary>Custom resource admission: schema keywords, pruning, CEL transition rules and message expressions.</summary>
public sealed class AdmissionTests
{
    private const string Crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"things.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"things","singular":"thing","kind":"Thing"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
            "spec":{"type":"object","properties":{
              "region":{"type":"string","x-kubernetes-validations":[{"rule":"self == oldSelf","message":"region is immutable"}]},
              "when":{"type":"string","format":"date-time"},
              "code":{"type":"string","minLength":3},
              "port":{"x-kubernetes-int-or-string":true},
              "ratio":{"type":"number","maximum":1,"exclusiveMaximum":true},
              "labels":{"type":"object","additionalProperties":{"type":"string"}},
              "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
              "items":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
              "limit":{"type":"integer","x-kubernetes-validations":[{"rule":"self <= 10","messageExpression":"'limit ' + string(self) + ' exceeds 10'"}]}}}}}}}]}}
        """;

    private const string Things = "/apis/example.com/v1/namespaces/default/things";

    private static async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(HttpClient http, HttpMethod method, string url, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject());
    }

    private static string[] Causes(JsonObject status) =>
        [.. status["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]!.GetValue<string>()}: {c["message"]!.GetValue<string>()}")];

    [Fact]
    public async Task SchemaKeywordsAndCelRulesRejectWithFieldPaths()
    {
        await using var s = await SandboxScope.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(s.Http, HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd)).Code);

        var (code, status) = await SendAsync(s.Http, HttpMethod.Post, Things,
            """{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"t"},"spec":{"when":"yesterday","code":"ab","port":1.5,"ratio":1,"labels":{"a":1},"items":["x","x"],"limit":12}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal(
            [
                "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"",
                "spec.code: Invalid value: \"ab\": spec.code in body should be at least 3 chars long",
                "spec.port: Invalid value: \"number\": spec.port in body must be of type integer,string: \"number\"",
                "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1",
                "spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"",
                "spec.items[1]: Duplicate value: \"x\"",
                "spec.limit: Invalid value: 12: limit 12 exceeds 10",
            ],
            Causes(status));
    }

    [Fact]
    public async Task TransitionRulesCompareWithTheStoredObjectAndUnknownFieldsArePruned()
    {
        await using var s = await SandboxScope.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(s.Http, HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd)).Code);

        var (created, obj) = await SendAsync(s.Http, HttpMethod.Post, Things,
            """{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"t"},"spec":{"region":"eu","stray":1,"free":{"any":{"thing":true}}}}""");
        var (sameRegion, _) = await SendAsync(s.Http, HttpMethod.Patch, Things + "/t", """{"spec":{"limit":3}}""", "application/merge-patch+json");
        var (moved, status) = await SendAsync(s.Http, HttpMethod.Patch, Things + "/t", """{"spec":{"region":"us"}}""", "application/merge-patch+json");
        var (strict, strictStatus) = await SendAsync(s.Http, HttpMethod.Patch, Things + "/t?fieldValidation=Strict", """{"spec":{"stray":2}}""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Null(obj["spec"]!["stray"]);
        Assert.True(obj["spec"]!["free"]!["any"]!["thing"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, sameRegion);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, moved);
        Assert.Equal(["spec.region: Invalid value: \"us\": region is immutable"], Causes(status));
        Assert.Equal(HttpStatusCode.BadRequest, strict);
        Assert.Contains("unknown field \"spec.stray\"", strictStatus["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
