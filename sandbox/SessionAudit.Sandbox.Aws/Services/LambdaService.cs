using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>Lambda functions as a registry with resource policies (AddPermission, RemovePermission, GetPolicy):
/// enough for an EventBridge target to exist and be allowed. No code runs.</summary>
internal static class LambdaService
{
    public static void Register(HandlerTable t)
    {
        t.Add("lambda", "CreateFunction", CreateFunction);
        t.Add("lambda", "GetFunction", GetFunction);
        t.Add("lambda", "ListFunctions", ListFunctions);
        t.Add("lambda", "DeleteFunction", DeleteFunction);
        t.Add("lambda", "AddPermission", AddPermission);
        t.Add("lambda", "RemovePermission", RemovePermission);
        t.Add("lambda", "GetPolicy", GetPolicy);
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

    private static JsonArray Statements(LambdaFunction f) =>
        f.Policy is { } p && JsonNode.Parse(p)?["Statement"] is JsonArray a ? a : [];

    private static void CheckRevision(LambdaFunction f, JsonObject input)
    {
        if (input.Str("RevisionId") is { } rev && rev != f.PolicyRevision)
        {
            throw new AwsException("PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id");
        }
    }

    private static void SetStatements(CallContext ctx, LambdaFunction f, JsonArray statements)
    {
        if (statements.Count == 0)
        {
            // The last statement removed takes the policy with it: GetPolicy answers ResourceNotFoundException again.
            f.Policy = null;
            f.PolicyRevision = null;
            return;
        }

        f.Policy = new JsonObject { ["Version"] = "2012-10-17", ["Id"] = "default", ["Statement"] = statements }.ToJsonString();
        f.PolicyRevision = ctx.Core.Uuid();
    }

    /// <summary>The principal as the policy names it: a service, an account's root, an ARN or everyone.</summary>
    private static JsonNode Principal(string principal) => principal switch
    {
        "*" => JsonValue.Create("*")!,
        _ when principal.Length == 12 && principal.All(char.IsAsciiDigit) => new JsonObject { ["AWS"] = $"arn:aws:iam::{principal}:root" },
        _ when principal.StartsWith("arn:", StringComparison.Ordinal) => new JsonObject { ["AWS"] = principal },
        _ => new JsonObject { ["Service"] = principal },
    };

    private static JsonObject? AddPermission(CallContext ctx, JsonObject input)
    {
        var f = Find(ctx, input.Req("FunctionName"));
        CheckRevision(f, input);
        string sid = input.Req("StatementId");
        var statements = Statements(f);
        if (statements.Any(s => s?["Sid"]?.GetValue<string>() == sid))
        {
            throw new AwsException("ResourceConflictException", $"The statement id ({sid}) provided already exists. Please provide a new statement id, or remove the existing statement.");
        }

        var statement = new JsonObject
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Principal"] = Principal(input.Req("Principal")),
            ["Action"] = input.Req("Action"),
            ["Resource"] = f.Arn,
        };
        var condition = new JsonObject();
        void Condition(string op, string key, string? value)
        {
            if (value is null) return;
            if (condition[op] is not JsonObject byKey) condition[op] = byKey = new JsonObject();
            byKey[key] = value;
        }

        Condition("StringEquals", "AWS:SourceAccount", input.Str("SourceAccount"));
        Condition("ArnLike", "AWS:SourceArn", input.Str("SourceArn"));
        Condition("StringEquals", "aws:PrincipalOrgID", input.Str("PrincipalOrgID"));
        if (condition.Count > 0) statement["Condition"] = condition;
        statements = (JsonArray)statements.DeepClone();
        statements.Add(statement);
        SetStatements(ctx, f, statements);
        return new JsonObject { ["Statement"] = statement.ToJsonString() };
    }

    private static JsonObject? RemovePermission(CallContext ctx, JsonObject input)
    {
        var f = Find(ctx, input.Req("FunctionName"));
        CheckRevision(f, input);
        string sid = input.Req("StatementId");
        var statements = (JsonArray)Statements(f).DeepClone();
        var found = statements.FirstOrDefault(s => s?["Sid"]?.GetValue<string>() == sid)
            ?? throw new AwsException("ResourceNotFoundException", $"Statement {sid} is not found in resource policy.");
        statements.Remove(found);
        SetStatements(ctx, f, statements);
        return null;
    }

    private static JsonObject? GetPolicy(CallContext ctx, JsonObject input)
    {
        var f = Find(ctx, input.Req("FunctionName"));
        if (f.Policy is null) throw new AwsException("ResourceNotFoundException", "The resource you requested does not exist.");
        return new JsonObject { ["Policy"] = f.Policy, ["RevisionId"] = f.PolicyRevision };
    }
}
