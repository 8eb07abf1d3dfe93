using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>Small readers for member-name JSON input.</summary>
internal static class Json
{
    public static string? Str(this JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static string Req(this JsonObject o, string name) => o.Str(name) ?? throw new AwsException("ValidationException", $"1 validation error detected: Value null at '{char.ToLowerInvariant(name[0])}{name[1..]}' failed to satisfy constraint: Member must not be null");

    public static long? Long(this JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) : null;

    public static bool? Bool(this JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public static IEnumerable<string> Strings(this JsonObject o, string name) =>
        o[name] is JsonArray a ? a.Where(x => x is not null).Select(x => x!.GetValue<string>()) : [];

    public static IEnumerable<JsonObject> Objects(this JsonObject o, string name) =>
        o[name] is JsonArray a ? a.OfType<JsonObject>() : [];

    public static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> map) => new([.. items.Select(map)]);

    public static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(s => (JsonNode?)JsonValue.Create(s))]);

    public static JsonNode Time(DateTimeOffset d) => JsonValue.Create(d);

    public static JsonNode? Time(DateTimeOffset? d) => d is { } v ? JsonValue.Create(v) : null;
}
