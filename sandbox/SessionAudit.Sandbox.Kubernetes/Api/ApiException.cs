using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>A failure answered as a metav1.Status body with the matching HTTP code.</summary>
internal sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => StatusBodies.Failure(Code, Reason, Message, Details?.DeepClone().AsObject());

    public static ApiException NotFound(string groupResource, string name, string group, string resource) =>
        new(404, "NotFound", $"{groupResource} \"{name}\" not found", new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = resource });

    public static ApiException AlreadyExists(string groupResource, string name, string group, string resource) =>
        new(409, "AlreadyExists", $"{groupResource} \"{name}\" already exists", new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = resource });

    public static ApiException Conflict(string groupResource, string name, string group, string resource, string why = "the object has been modified; please apply your changes to the latest version and try again") =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {groupResource} \"{name}\": {why}", new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = resource });

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException UnsupportedMediaType() =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");

    public static ApiException Invalid(string kind, string group, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add(new JsonObject { ["reason"] = e.Reason, ["message"] = e.Body, ["field"] = e.Field });
        }

        var qualified = group.Length == 0 ? kind : $"{kind}.{group}";
        var message = errors.Count == 1
            ? $"{qualified} \"{name}\" is invalid: {errors[0].Field}: {errors[0].Body}"
            : $"{qualified} \"{name}\" is invalid: [{string.Join(", ", errors.Select(e => $"{e.Field}: {e.Body}"))}]";
        return new ApiException(422, "Invalid", message, new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = kind, ["causes"] = causes });
    }
}

/// <summary>One field error as the API server's field.Error renders it.</summary>
internal sealed record FieldError(string Reason, string Field, string Body)
{
    public static FieldError Required(string field, string detail = "") =>
        new("FieldValueRequired", field, detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    public static FieldError Invalid(string field, JsonNode? value, string detail) =>
        new("FieldValueInvalid", field, $"Invalid value: {Render(value)}: {detail}");

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<string> supported) =>
        new("FieldValueNotSupported", field, $"Unsupported value: {Render(value)}: supported values: {string.Join(", ", supported)}");

    public static FieldError TooLong(string field, long max) =>
        new("FieldValueTooLong", field, $"Too long: may not be more than {max} bytes");

    public static FieldError TooMany(string field, int actual, long max) =>
        new("FieldValueTooMany", field, $"Too many: {actual}: must have at most {max} items");

    public static FieldError Forbidden(string field, string detail) => new("FieldValueForbidden", field, $"Forbidden: {detail}");

    public static FieldError Duplicate(string field, JsonNode? value) => new("FieldValueDuplicate", field, $"Duplicate value: {Render(value)}");

    public static string Render(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => GoQuote(s),
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ => value.ToJsonString(),
    };

    /// <summary>Go's %q (strconv.Quote), which field.Error uses for string values: a pattern's backslashes come out doubled.</summary>
    public static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var r in s.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case 7:
                    sb.Append("\\a");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\v':
                    sb.Append("\\v");
                    break;
                case < 0x20 or 0x7F:
                    sb.Append(CultureInfo.InvariantCulture, $"\\x{r.Value:x2}");
                    break;
                default:
                    if (Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
                        or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"{(r.Value < 0x10000 ? "\\u" : "\\U")}{r.Value.ToString(r.Value < 0x10000 ? "x4" : "x8", CultureInfo.InvariantCulture)}");
                    }
                    else
                    {
                        sb.Append(r.ToString());
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
