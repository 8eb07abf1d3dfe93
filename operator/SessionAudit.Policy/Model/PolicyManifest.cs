using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SessionAudit.Policy.Model;

/// <summary>Reads SessionLoggingPolicy manifests (YAML or JSON, one or many documents) as kubectl users write them.</summary>
public static class PolicyManifest
{
    /// <summary>Every SessionLoggingPolicy in <paramref name="text"/>; other kinds are skipped.
    /// Throws <see cref="FormatException"/> with the position when the text is not YAML or a field has the wrong type.</summary>
    public static IReadOnlyList<SessionLoggingPolicy> Parse(string text) =>
        ReadDocuments(text)
            .Where(obj => obj["kind"]?.GetValue<string>() == SessionLoggingPolicy.KindName)
            .Select(FromJson)
            .ToList();

    /// <summary>Every AwsAccount in <paramref name="text"/>; other kinds are skipped. Throws <see cref="FormatException"/>
    /// when one cannot be read.</summary>
    public static IReadOnlyList<Accounts.AwsAccount> ParseAccounts(string text) =>
        ReadDocuments(text)
            .Where(obj => obj["kind"]?.GetValue<string>() == Accounts.AwsAccount.KindName)
            .Select(AccountFromJson)
            .ToList();

    /// <summary>Reads one AwsAccount object.</summary>
    public static Accounts.AwsAccount AccountFromJson(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = (obj["metadata"] as JsonObject)?["name"]?.GetValue<string>() ?? throw new FormatException("metadata.name is required");
        try
        {
            return new Accounts.AwsAccount(name, obj["spec"]?.Deserialize<Accounts.AwsAccountSpec>(PolicyJson.Options) ?? throw new FormatException($"AwsAccount {name}: spec is required"));
        }
        catch (JsonException e)
        {
            throw new FormatException($"AwsAccount {name}: {e.Path}: {e.Message}", e);
        }
    }

    /// <summary>Every document of a multi-document YAML (or JSON) manifest as a JSON object, with YAML 1.2 core-schema
    /// scalars as kubectl reads them. Throws <see cref="FormatException"/> with the position when the text is not YAML.</summary>
    public static IReadOnlyList<JsonObject> ReadDocuments(string text)
    {
        RefuseAliases(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        return stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>().ToList();
    }

    // Aliases are refused before anything is built: expanding them is how a few hundred bytes become gigabytes
    // ("billion laughs"), and a policy manifest has no use for them.
    private static void RefuseAliases(string text)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                if (parser.Current is YamlDotNet.Core.Events.AnchorAlias alias)
                {
                    throw new FormatException($"YAML alias *{alias.Value} at line {alias.Start.Line}, column {alias.Start.Column}: aliases are not accepted in policy manifests; write the values out");
                }
            }
        }
        catch (YamlException e)
        {
            throw new FormatException($"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
    }

    /// <summary>Reads one policy object (apiVersion, kind, metadata, spec, status).</summary>
    public static SessionLoggingPolicy FromJson(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject;
        var name = metadata?["name"]?.GetValue<string>() ?? throw new FormatException("metadata.name is required");
        try
        {
            var spec = obj["spec"]?.Deserialize<SessionLoggingPolicySpec>(PolicyJson.Options) ?? throw new FormatException($"{name}: spec is required");
            var status = obj["status"]?.Deserialize<SessionLoggingPolicyStatus>(PolicyJson.Options);
            var created = metadata?["creationTimestamp"]?.GetValue<string>() is { } c
                ? DateTimeOffset.Parse(c, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : DateTimeOffset.UnixEpoch;
            var meta = new PolicyMetadata(
                name,
                metadata?["uid"]?.GetValue<string>() ?? "",
                metadata?["generation"] is JsonValue g && g.TryGetValue<long>(out var gen) ? gen : 1,
                created,
                metadata?["deletionTimestamp"] is not null);
            return new SessionLoggingPolicy(meta, spec, status);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{name}: {e.Path}: {e.Message}", e);
        }
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    // YAML 1.2 core schema for plain scalars; quoted scalars are always strings.
    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(v);
        }

        return v switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && v.Any(char.IsDigit) => JsonValue.Create(d),
            _ => JsonValue.Create(v),
        };
    }
}
