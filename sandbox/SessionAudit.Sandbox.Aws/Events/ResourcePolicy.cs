using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SessionAudit.Sandbox.Aws.Events;

/// <summary>Evaluates a resource policy (SNS topic policy, Lambda function policy) for a request a service principal
/// makes, with the parts of the IAM policy language such policies use: Effect (an explicit Deny wins), Principal
/// ("*", AWS "*", Service), Action and Resource with wildcards, and the condition operators StringEquals, StringLike,
/// ArnEquals, ArnLike (with ...IfExists). A condition on a key the request does not carry fails, as in IAM; an operator
/// this evaluator does not know makes its statement not apply.</summary>
internal static class ResourcePolicy
{
    public static bool Allows(string? policyJson, string servicePrincipal, string action, string resourceArn, IReadOnlyDictionary<string, string> context) =>
        Allows(policyJson, principal => PrincipalMatches(principal, servicePrincipal), action, resourceArn, context);

    /// <summary>A role's trust policy for an IAM caller: a Principal AWS entry matches the caller's ARN, its role's ARN when
    /// the caller is an assumed-role session, its account id or the account's root ARN ("arn:aws:iam::ACCOUNT:root"), or "*"
    /// (IAM User Guide, "AWS JSON policy elements: Principal"). No Resource element: a trust policy has none.</summary>
    public static bool AllowsCaller(string? policyJson, string callerArn, string callerAccount, string action, IReadOnlyDictionary<string, string> context)
    {
        var identities = new HashSet<string>(StringComparer.Ordinal) { callerArn, callerAccount, $"arn:aws:iam::{callerAccount}:root" };
        // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION is the role arn:aws:iam::ACCOUNT:role/ROLE.
        var parts = callerArn.Split(':', 6);
        if (parts.Length == 6 && parts[2] == "sts" && parts[5].StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            var path = parts[5]["assumed-role/".Length..];
            var role = path.Contains('/', StringComparison.Ordinal) ? path[..path.LastIndexOf('/')] : path;
            identities.Add($"arn:{parts[1]}:iam::{parts[4]}:role/{role}");
        }

        return Allows(policyJson, principal => principal switch
        {
            JsonValue v => Str(v) == "*",
            JsonObject o => o.Any(p => p.Key == "AWS" && Values(p.Value).Any(a => a == "*" || identities.Contains(a))),
            _ => false,
        }, action, null, context);
    }

    private static bool Allows(string? policyJson, Func<JsonNode?, bool> principalMatches, string action, string? resourceArn, IReadOnlyDictionary<string, string> context)
    {
        if (string.IsNullOrWhiteSpace(policyJson)) return false;
        JsonNode? doc;
        try { doc = JsonNode.Parse(policyJson); }
        catch (JsonException) { return false; }
        IEnumerable<JsonObject> statements = doc?["Statement"] switch
        {
            JsonArray a => a.OfType<JsonObject>(),
            JsonObject o => [o],
            _ => [],
        };
        bool allowed = false;
        foreach (var s in statements)
        {
            if (!Applies(s, principalMatches, action, resourceArn, context)) continue;
            switch (Str(s["Effect"]))
            {
                case "Deny": return false;
                case "Allow": allowed = true; break;
            }
        }

        return allowed;
    }

    private static bool Applies(JsonObject s, Func<JsonNode?, bool> principalMatches, string action, string? resourceArn, IReadOnlyDictionary<string, string> context)
    {
        if (s.ContainsKey("NotPrincipal") || s.ContainsKey("NotAction") || s.ContainsKey("NotResource")) return false;
        if (!principalMatches(s["Principal"])) return false;
        if (!Values(s["Action"]).Any(a => Wildcard(a, action, ignoreCase: true))) return false;
        if (resourceArn is not null && s["Resource"] is { } r && !Values(r).Any(v => Wildcard(v, resourceArn, ignoreCase: false))) return false;
        return s["Condition"] is not JsonObject conditions || conditions.All(c => ConditionHolds(c.Key, c.Value, context));
    }

    private static bool PrincipalMatches(JsonNode? principal, string servicePrincipal) => principal switch
    {
        JsonValue v => Str(v) == "*",
        JsonObject o => o.Any(p =>
            (p.Key == "AWS" && Values(p.Value).Contains("*"))
            || (p.Key == "Service" && Values(p.Value).Contains(servicePrincipal, StringComparer.Ordinal))),
        _ => false,
    };

    private static bool ConditionHolds(string op, JsonNode? keys, IReadOnlyDictionary<string, string> context)
    {
        bool ifExists = op.EndsWith("IfExists", StringComparison.Ordinal);
        string baseOp = ifExists ? op[..^"IfExists".Length] : op;
        Func<string, string, bool>? test = baseOp switch
        {
            "StringEquals" => (pattern, value) => pattern == value,
            "StringLike" or "ArnEquals" or "ArnLike" => (pattern, value) => Wildcard(pattern, value, ignoreCase: false),
            _ => null,
        };
        if (test is null || keys is not JsonObject byKey) return false;
        foreach (var (key, expected) in byKey)
        {
            // Condition keys are case-insensitive (AWS:SourceArn and aws:SourceArn are the same key).
            var actual = context.FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
            if (actual is null)
            {
                if (ifExists) continue;
                return false;
            }

            if (!Values(expected).Any(e => test(e, actual))) return false;
        }

        return true;
    }

    private static IEnumerable<string> Values(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(Str).OfType<string>(),
        JsonValue v when Str(v) is { } s => [s],
        _ => [],
    };

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Wildcard(string pattern, string value, bool ignoreCase) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
