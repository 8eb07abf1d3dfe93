using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>Lambda functions as a registry: enough for an EventBridge target to exist. No code runs.</summary>
internal static class LambdaService
{
    public static void Register(HandlerTable t)
    {
        t.Add("lambda", "CreateFunction", CreateFunction);
        t.Add("lambda", "GetFunction", GetFunction);
        t.Add("lambda", "ListFunctions", ListFunctions);
        t.Add("lambda", "DeleteFunction", DeleteFunction);
    }

    private static string NameOf(string nameOrArn) =>
        nameOrArn.StartsWith("arn:", StringComparison.Ordinal) ? nameOrArn.Split(':')[6] : nameOrArn;

    private static JsonObject? CreateFunction(CallContext ctx, JsonObject input)
    {
        string name = NameOf(input.Req("FunctionName"));
        if (ctx.State.Functions.ContainsKey(name)) throw new AwsException("ResourceConflictException", $"Function already exist: {name}");
        byte[] zip = input["Code"] is JsonObject code && code.Str("ZipFile") is { } z ? Convert.FromBase64String(z) : [];
        var f = new LambdaFunction
        {
            Name = name,
            Arn = ctx.Arn("lambda", "function:" + name),
            Runtime = input.Str("Runtime"),
            Role = input.Req("Role"),
            Handler = input.Str("Handler"),
            Description = input.Str("Description"),
            Timeout = (int)(input.Long("Timeout") ?? 3),
            MemorySize = (int)(input.Long("MemorySize") ?? 128),
            LastModified = ctx.Now,
            CodeSize = zip.Length,
            CodeSha256 = Convert.ToBase64String(SHA256.HashData(zip)),
        };
        ctx.State.Functions[name] = f;
        return Configuration(f);
    }

    internal static JsonObject Configuration(LambdaFunction f) => new()
    {
        ["FunctionName"] = f.Name,
        ["FunctionArn"] = f.Arn,
        ["Runtime"] = f.Runtime,
        ["Role"] = f.Role,
        ["Handler"] = f.Handler,
        ["CodeSize"] = f.CodeSize,
        ["Description"] = f.Description ?? "",
        ["Timeout"] = f.Timeout,
        ["MemorySize"] = f.MemorySize,
        ["LastModified"] = f.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff+0000", CultureInfo.InvariantCulture),
        ["CodeSha256"] = f.CodeSha256,
        ["Version"] = "$LATEST",
        ["State"] = "Active",
        ["LastUpdateStatus"] = "Successful",
        ["PackageType"] = "Zip",
        ["Architectures"] = Json.Array(["x86_64"]),
    };

    private static LambdaFunction Find(CallContext ctx, string nameOrArn)
    {
        string name = NameOf(nameOrArn);
        return ctx.State.Functions.TryGetValue(name, out var f) ? f
            : throw new AwsException("ResourceNotFoundException", $"Function not found: {ctx.Arn("lambda", "function:" + name)}");
    }

    private static JsonObject? GetFunction(CallContext ctx, JsonObject input)
    {
        var f = Find(ctx, input.Req("FunctionName"));
        return new JsonObject
        {
            ["Configuration"] = Configuration(f),
            ["Code"] = new JsonObject { ["RepositoryType"] = "S3", ["Location"] = $"https://awslambda-{ctx.Region}-tasks.s3.{ctx.Region}.amazonaws.com/snapshots/{ctx.Account}/{f.Name}" },
        };
    }

    private static JsonObject? ListFunctions(CallContext ctx, JsonObject input)
    {
        var (page, next) = Paging.Page(ctx.State.Functions.Values, input.Str("Marker"), (int)(input.Long("MaxItems") ?? 50), "InvalidParameterValueException");
        return new JsonObject { ["Functions"] = Json.Array(page, Configuration), ["NextMarker"] = next };
    }

    private static JsonObject? DeleteFunction(CallContext ctx, JsonObject input)
    {
        ctx.State.Functions.Remove(Find(ctx, input.Req("FunctionName")).Name);
        return null;
    }
}
