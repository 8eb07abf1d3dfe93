using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SessionAudit.Sandbox.Kubernetes.Api;

namespace SessionAudit.Sandbox.Kubernetes.Admission;

/// <summary>Pruning, defaulting and validation over a structural schema, worded as apiextensions-apiserver words them.</summary>
internal static partial class SchemaWalker
{
    private static readonly HashSet<string> TypeMetaFields = ["apiVersion", "kind", "metadata"];

    /// <summary>Drops fields the schema does not know (recording their paths for strict field validation) and nulls of non-nullable fields.</summary>
    public static void Prune(SchemaNode schema, JsonNode? node, string path, List<string> unknown, bool isRoot = false)
    {
        switch (node)
        {
            case JsonObject o:
                var keepUnknown = schema.PreserveUnknownFields;
                foreach (var key in o.Select(kv => kv.Key).ToList())
                {
                    var childPath = Join(path, key);
                    if ((isRoot || schema.EmbeddedResource) && TypeMetaFields.Contains(key))
                    {
                        continue;
                    }

                    var child = schema.Properties is not null && schema.Properties.TryGetValue(key, out var c) ? c : schema.AdditionalProperties;
                    if (child is null)
                    {
                        if (!keepUnknown && !schema.AdditionalPropertiesAllowed)
                        {
                            o.Remove(key);
                            unknown.Add(childPath);
                        }

                        continue;
                    }

                    if (o[key] is null && !child.Nullable)
                    {
                        o.Remove(key);
                        continue;
                    }

                    Prune(child, o[key], childPath, unknown);
                }

                break;
            case JsonArray a when schema.Items is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    Prune(items, a[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", unknown);
                }

                break;
        }
    }

    /// <summary>Sets defaults of absent properties wherever their parent object exists.</summary>
    public static void ApplyDefaults(SchemaNode schema, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (schema.Properties is not null)
                {
                    foreach (var (key, child) in schema.Properties)
                    {
                        if (child.Default is not null && !o.ContainsKey(key))
                        {
                            o[key] = child.Default.DeepClone();
                        }
                    }
                }

                foreach (var (key, value) in o.ToList())
                {
                    if (schema.Child(key) is { } child)
                    {
                        ApplyDefaults(child, value);
                    }
                }

                break;
            case JsonArray a when schema.Items is { } items:
                foreach (var item in a)
                {
                    ApplyDefaults(items, item);
                }

                break;
        }
    }

    public static void Validate(SchemaNode schema, JsonNode? node, JsonNode? old, string path, List<FieldError> errors, bool isRoot = false)
    {
        if (node is null)
        {
            if (!schema.Nullable && !isRoot && schema.Type is not null)
            {
                errors.Add(new FieldError("FieldValueTypeInvalid", path, $"Invalid value: \"null\": {path} in body must be of type {schema.Type}: \"null\""));
            }

            return;
        }

        if (!TypeMatches(schema, node, out var actual))
        {
            var expected = schema.IntOrString ? "integer,string" : schema.Type;
            errors.Add(new FieldError("FieldValueTypeInvalid", path, $"Invalid value: \"{actual}\": {path} in body must be of type {expected}: \"{actual}\""));
            return;
        }

        ValidateValue(schema, node, path, errors);
        switch (node)
        {
            case JsonObject o:
                foreach (var req in schema.Required)
                {
                    if (!o.ContainsKey(req) || (o[req] is null && !(schema.Child(req)?.Nullable ?? false)))
                    {
                        errors.Add(FieldError.Required(Join(path, req)));
                    }
                }

                foreach (var (key, value) in o)
                {
                    if (isRoot && TypeMetaFields.Contains(key))
                    {
                        continue;
                    }

                    if (schema.Child(key) is { } child)
                    {
                        Validate(child, value, (old as JsonObject)?[key], Join(path, key), errors);
                    }
                }

                break;
            case JsonArray a:
                ValidateList(schema, a, path, errors);
                if (schema.Items is { } items)
                {
                    for (var i = 0; i < a.Count; i++)
                    {
                        Validate(items, a[i], OldItem(schema, a[i], old as JsonArray, i), $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", errors);
                    }
                }

                break;
        }

        foreach (var rule in schema.Rules)
        {
            var transition = rule.Rule.Contains("oldSelf", StringComparison.Ordinal);
            if (transition && old is null)
            {
                continue;
            }

            var (passed, error) = CelRules.Evaluate(rule.Rule, node, old);
            if (passed)
            {
                continue;
            }

            if (error is not null)
            {
                // As apiextensions-apiserver pkg/apiserver/schema/cel/validation.go reports a runtime error ("no such key: x",
                // overflow, ...): Invalid on the rule's own field (not fieldPath), valued by the schema type, naming the
                // rule's message (else the rule).
                var ruleText = rule.Message is { Length: > 0 } m ? m.Trim() : rule.Rule.Trim();
                errors.Add(new FieldError("FieldValueInvalid", path.TrimStart('.'), $"Invalid value: \"{schema.Type ?? TypeName(node)}\": {error} evaluating rule: {ruleText}"));
                continue;
            }

            var field = rule.FieldPath is { Length: > 0 } fp ? path + (fp.StartsWith('.') ? fp : "." + fp) : path;
            field = field.TrimStart('.');
            var message = (rule.MessageExpression is { } me ? CelRules.Message(me, node, old) : null) ?? rule.Message ?? $"failed rule: {rule.Rule.Trim()}";
            var reason = rule.Reason switch
            {
                "FieldValueRequired" => "FieldValueRequired",
                "FieldValueDuplicate" => "FieldValueDuplicate",
                "FieldValueForbidden" => "FieldValueForbidden",
                _ => "FieldValueInvalid",
            };
            var body = reason switch
            {
                "FieldValueRequired" => $"Required value: {message}",
                "FieldValueDuplicate" => $"Duplicate value: {message}",
                "FieldValueForbidden" => $"Forbidden: {message}",
                _ => $"Invalid value: \"{TypeName(node)}\": {message}",
            };
            if (reason == "FieldValueInvalid" && node is JsonValue)
            {
                body = $"Invalid value: {FieldError.Render(node)}: {message}";
            }

            errors.Add(new FieldError(reason, field, body));
        }
    }

    private static JsonNode? OldItem(SchemaNode schema, JsonNode? item, JsonArray? old, int index)
    {
        if (old is null)
        {
            return null;
        }

        if (schema.ListType == "map" && schema.ListMapKeys.Length > 0 && item is JsonObject io)
        {
            return old.FirstOrDefault(o => o is JsonObject oo && schema.ListMapKeys.All(k => JsonNode.DeepEquals(oo[k], io[k])));
        }

        // Correlation of list items exists only for map lists (and sets by value).
        return schema.ListType == "set" ? old.FirstOrDefault(o => JsonNode.DeepEquals(o, item)) : null;
    }

    private static void ValidateValue(SchemaNode schema, JsonNode node, string path, List<FieldError> errors)
    {
        if (schema.Enum is { } values && !values.Any(v => JsonNode.DeepEquals(v, node)))
        {
            errors.Add(FieldError.NotSupported(path, node, values.Select(v => v?.ToJsonString() ?? "null")));
        }

        switch (node.GetValueKind())
        {
            case JsonValueKind.String:
                var s = node.GetValue<string>();
                var length = s.EnumerateRunes().Count();
                if (schema.MaxLength is { } max && length > max)
                {
                    errors.Add(FieldError.TooLong(path, max));
                }

                if (schema.MinLength is { } min && length < min)
                {
                    errors.Add(FieldError.Invalid(path, node, $"{path} in body should be at least {min} chars long"));
                }

                if (schema.Pattern is { } pattern)
                {
                    switch (pattern.IsMatch(s))
                    {
                        case false:
                            errors.Add(FieldError.Invalid(path, node, $"{path} in body should match '{schema.PatternText}'"));
                            break;
                        case null:
                            // Refused loudly rather than accepted silently: the real server would have decided.
                            errors.Add(FieldError.Invalid(path, node, $"the sandbox cannot evaluate the pattern '{schema.PatternText}' ({pattern.Unsupported ?? "the match timed out"}); kube-apiserver would"));
                            break;
                    }
                }

                if (schema.Format is { } format && !FormatValid(format, s))
                {
                    errors.Add(FieldError.Invalid(path, node, $"{path} in body must be of type {format}: {FieldError.Render(node)}"));
                }

                break;
            case JsonValueKind.Number:
                var n = node.GetValue<double>();
                if (schema.Minimum is { } minimum && (schema.ExclusiveMinimum ? n <= minimum : n < minimum))
                {
                    errors.Add(FieldError.Invalid(path, node, $"{path} in body should be greater than {(schema.ExclusiveMinimum ? "" : "or equal to ")}{Num(minimum)}"));
                }

                if (schema.Maximum is { } maximum && (schema.ExclusiveMaximum ? n >= maximum : n > maximum))
                {
                    errors.Add(FieldError.Invalid(path, node, $"{path} in body should be less than {(schema.ExclusiveMaximum ? "" : "or equal to ")}{Num(maximum)}"));
                }

                break;
            case JsonValueKind.Object:
                var count = node.AsObject().Count;
                if (schema.MaxProperties is { } maxP && count > maxP)
                {
                    errors.Add(FieldError.TooMany(path, count, maxP));
                }

                if (schema.MinProperties is { } minP && count < minP)
                {
                    errors.Add(FieldError.Invalid(path, count, $"{path} in body should have at least {minP} properties"));
                }

                break;
        }

        foreach (var branch in schema.AllOf)
        {
            ValidateValue(branch, node, path, errors);
        }

        if (schema.AnyOf.Length > 0 && !schema.AnyOf.Any(b => Passes(b, node, path)))
        {
            errors.Add(FieldError.Invalid(path, node, $"{path} in body must match at least one schema in anyOf"));
        }

        if (schema.OneOf.Length > 0 && schema.OneOf.Count(b => Passes(b, node, path)) != 1)
        {
            errors.Add(FieldError.Invalid(path, node, $"{path} in body must match exactly one schema in oneOf"));
        }

        if (schema.Not is { } not && Passes(not, node, path))
        {
            errors.Add(FieldError.Invalid(path, node, $"{path} in body must not validate the schema (not)"));
        }
    }

    private static bool Passes(SchemaNode branch, JsonNode node, string path)
    {
        var e = new List<FieldError>();
        if (branch.Type is not null && !TypeMatches(branch, node, out _))
        {
            return false;
        }

        ValidateValue(branch, node, path, e);
        if (node is JsonObject o)
        {
            foreach (var req in branch.Required)
            {
                if (!o.ContainsKey(req))
                {
                    return false;
                }
            }
        }

        return e.Count == 0;
    }

    private static void ValidateList(SchemaNode schema, JsonArray a, string path, List<FieldError> errors)
    {
        if (schema.MaxItems is { } max && a.Count > max)
        {
            errors.Add(FieldError.TooMany(path, a.Count, max));
        }

        if (schema.MinItems is { } min && a.Count < min)
        {
            errors.Add(FieldError.Invalid(path, a.Count, $"{path} in body should have at least {min} items"));
        }

        if (schema.ListType == "set")
        {
            for (var i = 0; i < a.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (JsonNode.DeepEquals(a[i], a[j]))
                    {
                        errors.Add(FieldError.Duplicate($"{path}[{i}]", a[i]));
                        break;
                    }
                }
            }
        }
        else if (schema.ListType == "map" && schema.ListMapKeys.Length > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] is not JsonObject item)
                {
                    continue;
                }

                var key = string.Join("\u0000", schema.ListMapKeys.Select(k => item[k]?.ToJsonString() ?? ""));
                if (!seen.Add(key))
                {
                    var keyObj = new JsonObject();
                    foreach (var k in schema.ListMapKeys)
                    {
                        keyObj[k] = item[k]?.DeepClone();
                    }

                    errors.Add(new FieldError("FieldValueDuplicate", $"{path}[{i}]", $"Duplicate value: {keyObj.ToJsonString()}"));
                }
            }
        }
    }

    private static bool TypeMatches(SchemaNode schema, JsonNode node, out string actual)
    {
        var kind = node.GetValueKind();
        actual = TypeName(node);
        if (schema.IntOrString)
        {
            return kind == JsonValueKind.String || (kind == JsonValueKind.Number && IsInteger(node));
        }

        return schema.Type switch
        {
            null => true,
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "number" => kind == JsonValueKind.Number,
            "integer" => kind == JsonValueKind.Number && IsInteger(node),
            _ => true,
        };
    }

    private static string TypeName(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => IsInteger(node) ? "integer" : "number",
        _ => "null",
    };

    private static bool IsInteger(JsonNode node) => node.AsValue().TryGetValue<long>(out _) || (node.AsValue().TryGetValue<double>(out var d) && d == Math.Floor(d));

    private static string Num(double d) => d.ToString(CultureInfo.InvariantCulture);

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>The formats apiextensions validates (others are accepted as any string).</summary>
    private static bool FormatValid(string format, string s) => format switch
    {
        "date-time" or "datetime" => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _) && s.Contains('T', StringComparison.OrdinalIgnoreCase),
        "date" => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uuid" => Guid.TryParse(s, out _),
        "ipv4" => IPAddress.TryParse(s, out var ip4) && ip4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && s.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(s, out var ip6) && ip6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "cidr" => IPNetwork.TryParse(s, out _),
        "hostname" => HostnamePattern().IsMatch(s) && s.Length <= 253,
        "email" => EmailPattern().IsMatch(s),
        "byte" => IsBase64(s),
        "uri" => Uri.TryCreate(s, UriKind.Absolute, out _),
        "duration" => DurationPattern().IsMatch(s),
        "int32" or "int64" or "float" or "double" or "password" or "" => true,
        _ => true,
    };

    private static bool IsBase64(string s)
    {
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out _);
    }

    [GeneratedRegex(@"^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$")]
    private static partial Regex HostnamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex DurationPattern();
}
