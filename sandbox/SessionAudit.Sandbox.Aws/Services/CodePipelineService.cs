using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>CodePipeline pipelines as a registry: enough for an EventBridge target to exist. No stages run.</summary>
internal static class CodePipelineService
{
    public static void Register(HandlerTable t)
    {
        t.Add("codepipeline", "CreatePipeline", CreatePipeline);
        t.Add("codepipeline", "GetPipeline", GetPipeline);
        t.Add("codepipeline", "ListPipelines", ListPipelines);
        t.Add("codepipeline", "DeletePipeline", DeletePipeline);
    }

    private static JsonObject? CreatePipeline(CallContext ctx, JsonObject input)
    {
        var decl = (JsonObject)input["pipeline"]!;
        string name = decl.Req("name");
        if (ctx.State.Pipelines.ContainsKey(name)) throw new AwsException("PipelineNameInUseException", $"Pipeline name {name} is already in use.");
        decl["version"] = 1;
        ctx.State.Pipelines[name] = new Pipeline { Name = name, RoleArn = decl.Str("roleArn"), Created = ctx.Now, Updated = ctx.Now, Declaration = decl.ToJsonString() };
        return new JsonObject { ["pipeline"] = decl.DeepClone() };
    }

    internal static JsonObject Declaration(Pipeline p) =>
        p.Declaration is not null ? (JsonObject)JsonNode.Parse(p.Declaration)!
        : new JsonObject
        {
            ["name"] = p.Name,
            ["roleArn"] = p.RoleArn ?? "",
            ["stages"] = new JsonArray(),
            ["version"] = p.Version,
        };

    private static Pipeline Find(CallContext ctx, string name) =>
        ctx.State.Pipelines.TryGetValue(name, out var p) ? p : throw new AwsException("PipelineNotFoundException", $"Account '{ctx.Account}' does not have a pipeline with name '{name}'");

    private static JsonObject? GetPipeline(CallContext ctx, JsonObject input)
    {
        var p = Find(ctx, input.Req("name"));
        return new JsonObject
        {
            ["pipeline"] = Declaration(p),
            ["metadata"] = new JsonObject { ["pipelineArn"] = ctx.Arn("codepipeline", p.Name), ["created"] = Json.Time(p.Created), ["updated"] = Json.Time(p.Updated) },
        };
    }

    private static JsonObject? ListPipelines(CallContext ctx, JsonObject input)
    {
        var (page, next) = Paging.Page(ctx.State.Pipelines.Values, input.Str("nextToken"), 100, "InvalidNextTokenException");
        return new JsonObject
        {
            ["pipelines"] = Json.Array(page, p => new JsonObject { ["name"] = p.Name, ["version"] = p.Version, ["created"] = Json.Time(p.Created), ["updated"] = Json.Time(p.Updated) }),
            ["nextToken"] = next,
        };
    }

    private static JsonObject? DeletePipeline(CallContext ctx, JsonObject input)
    {
        ctx.State.Pipelines.Remove(input.Req("name"));
        return null;
    }
}
