using System.Text;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>STS: caller identity, and role assumption that issues keys the sandbox later maps to the role's account.</summary>
internal static class StsService
{
    public static void Register(HandlerTable t)
    {
        t.Add("sts", "GetCallerIdentity", GetCallerIdentity);
        t.Add("sts", "AssumeRole", AssumeRole);
        t.Add("sts", "AssumeRoleWithWebIdentity", AssumeRoleWithWebIdentity);
    }

    private static JsonObject? GetCallerIdentity(CallContext ctx, JsonObject input) =>
        new() { ["UserId"] = ctx.UserId, ["Account"] = ctx.Account, ["Arn"] = ctx.CallerArn };

    private static JsonObject? AssumeRole(CallContext ctx, JsonObject input)
    {
        string roleArn = input.Req("RoleArn");
        string sessionName = input.Req("RoleSessionName");
        if (ctx.World.RoleTrust.TryGetValue(roleArn, out var trust))
        {
            // As IAM: the role's trust policy must allow the caller sts:AssumeRole, with the request's condition keys
            // (sts:ExternalId, sts:RoleSessionName, aws:PrincipalArn); passing Tags also needs sts:TagSession
            // (IAM User Guide, "Passing session tags in AWS STS": "the role's trust policy must allow sts:TagSession").
            var context = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["sts:RoleSessionName"] = sessionName,
                ["aws:PrincipalArn"] = ctx.CallerArn,
                ["aws:PrincipalAccount"] = ctx.Account,
            };
            if (input.Str("ExternalId") is { } externalId) context["sts:ExternalId"] = externalId;
            var denied = !Events.ResourcePolicy.AllowsCaller(trust, ctx.CallerArn, ctx.Account, "sts:AssumeRole", context)
                || (input["Tags"] is JsonArray { Count: > 0 } && !Events.ResourcePolicy.AllowsCaller(trust, ctx.CallerArn, ctx.Account, "sts:TagSession", context));
            if (denied)
            {
                throw new AwsException("AccessDenied", $"User: {ctx.CallerArn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}", 403);
            }
        }

        return Issue(ctx, roleArn, sessionName, input.Long("DurationSeconds"));
    }

    private static JsonObject? AssumeRoleWithWebIdentity(CallContext ctx, JsonObject input)
    {
        string token = input.Req("WebIdentityToken");
        var result = Issue(ctx, input.Req("RoleArn"), input.Req("RoleSessionName"), input.Long("DurationSeconds"));
        var (sub, aud, iss) = Claims(token);
        result["SubjectFromWebIdentityToken"] = sub ?? "system:serviceaccount:default:default";
        result["Audience"] = aud ?? "sts.amazonaws.com";
        result["Provider"] = iss ?? "sandbox";
        return result;
    }

    private static JsonObject Issue(CallContext ctx, string roleArn, string sessionName, long? durationSeconds)
    {
        var parts = roleArn.Split(':');
        if (parts.Length != 6 || parts[2] != "iam" || !parts[5].StartsWith("role/", StringComparison.Ordinal) || parts[4].Length != 12)
        {
            throw new AwsException("ValidationError", $"{roleArn} is invalid");
        }

        string account = parts[4];
        string role = parts[5][(parts[5].LastIndexOf('/') + 1)..];
        string roleId = "AROA" + ctx.Core.Hex(17).ToUpperInvariant();
        string accessKey = "ASIA" + ctx.Core.Hex(16).ToUpperInvariant();
        var expiration = ctx.Now.AddSeconds(durationSeconds ?? 3600);
        string arn = $"arn:aws:sts::{account}:assumed-role/{role}/{sessionName}";
        ctx.World.TemporaryKeys[accessKey] = new TemporaryCredential { Account = account, Arn = arn, UserId = $"{roleId}:{sessionName}", Expiration = expiration };
        return new JsonObject
        {
            ["Credentials"] = new JsonObject
            {
                ["AccessKeyId"] = accessKey,
                ["SecretAccessKey"] = Convert.ToBase64String(Convert.FromHexString(ctx.Core.Hex(60))),
                ["SessionToken"] = Convert.ToBase64String(Convert.FromHexString(ctx.Core.Hex(120))),
                ["Expiration"] = Json.Time(expiration),
            },
            ["AssumedRoleUser"] = new JsonObject { ["AssumedRoleId"] = $"{roleId}:{sessionName}", ["Arn"] = arn },
            ["PackedPolicySize"] = 0,
        };
    }

    /// <summary>Reads sub, aud and iss from a JWT without verifying it (the sandbox trusts every token).</summary>
    private static (string? Sub, string? Aud, string? Iss) Claims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length < 2) return default;
        try
        {
            string b64 = parts[1].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var payload = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(b64))) as JsonObject;
            string? aud = payload?["aud"] is JsonArray a ? a.FirstOrDefault()?.GetValue<string>() : payload?.Str("aud");
            return (payload?.Str("sub"), aud, payload?.Str("iss"));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw new AwsException("InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS.");
        }
    }
}
