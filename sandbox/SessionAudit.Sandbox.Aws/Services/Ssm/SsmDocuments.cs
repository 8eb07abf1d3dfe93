using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>SSM documents: versions, $LATEST/$DEFAULT, default version, duplicate-content detection.</summary>
internal static partial class SsmService
{
    public static void Register(HandlerTable t)
    {
        t.Add("ssm", "CreateDocument", CreateDocument);
        t.Add("ssm", "GetDocument", GetDocument);
        t.Add("ssm", "DescribeDocument", DescribeDocument);
        t.Add("ssm", "UpdateDocument", UpdateDocument);
        t.Add("ssm", "UpdateDocumentDefaultVersion", UpdateDocumentDefaultVersion);
        t.Add("ssm", "ListDocumentVersions", ListDocumentVersions);
        t.Add("ssm", "DeleteDocument", DeleteDocument);
        t.Add("ssm", "StartSession", StartSession);
        t.Add("ssm", "ResumeSession", ResumeSession);
        t.Add("ssm", "TerminateSession", TerminateSession);
        t.Add("ssm", "DescribeSessions", DescribeSessions);
        t.Add("ssm", "DescribeInstanceInformation", DescribeInstanceInformation);
        t.Add("ssm", "SendCommand", SendCommand);
    }

    private static JsonObject? CreateDocument(CallContext ctx, JsonObject input)
    {
        string name = input.Req("Name");
        if (IsReservedName(name)) throw new AwsException("ValidationException", $"Document name {name} is reserved: names may not start with aws, amazon or amzn.");
        if (ctx.State.Documents.ContainsKey(name)) throw new AwsException("DocumentAlreadyExists", "Document with same name already exists");
        string type = input.Str("DocumentType") ?? "Command";
        string format = input.Str("DocumentFormat") ?? "JSON";
        string content = input.Req("Content");
        var parsed = ParseContent(content, format, type);
        var doc = new SsmDocument { Name = name, DocumentType = type, DocumentFormat = format, TargetType = input.Str("TargetType"), Owner = ctx.Account };
        doc.Versions.Add(NewVersion(1, content, format, parsed, input.Str("VersionName"), ctx.Now));
        foreach (var tag in input.Objects("Tags")) doc.Tags.Add(new(tag.Req("Key"), tag.Req("Value")));
        ctx.State.Documents[name] = doc;
        return new JsonObject { ["DocumentDescription"] = Description(doc, doc.Latest) };
    }

    private static JsonObject? GetDocument(CallContext ctx, JsonObject input)
    {
        var (doc, _) = Find(ctx, input.Req("Name"));
        var v = Version(doc, input.Str("DocumentVersion"), input.Str("VersionName"));
        string format = input.Str("DocumentFormat") ?? v.DocumentFormat ?? doc.DocumentFormat;
        string content = v.Content;
        if (!string.Equals(format, v.DocumentFormat ?? doc.DocumentFormat, StringComparison.Ordinal) && format is "JSON" or "YAML")
        {
            var node = ParseContent(v.Content, v.DocumentFormat ?? doc.DocumentFormat, doc.DocumentType);
            content = format == "JSON" ? node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "" : YamlJson.ToYaml(node);
        }

        return new JsonObject
        {
            ["Name"] = doc.Name,
            ["CreatedDate"] = Json.Time(v.CreatedDate),
            ["VersionName"] = v.VersionName,
            ["DocumentVersion"] = Num(v.Version),
            ["Status"] = "Active",
            ["Content"] = content,
            ["DocumentType"] = doc.DocumentType,
            ["DocumentFormat"] = format,
        };
    }

    private static JsonObject? DescribeDocument(CallContext ctx, JsonObject input)
    {
        var (doc, _) = Find(ctx, input.Req("Name"));
        var v = Version(doc, input.Str("DocumentVersion"), input.Str("VersionName"));
        return new JsonObject { ["Document"] = Description(doc, v) };
    }

    private static JsonObject? UpdateDocument(CallContext ctx, JsonObject input)
    {
        string name = input.Req("Name");
        var (doc, builtIn) = Find(ctx, name);
        if (builtIn) throw new AwsException("InvalidDocumentOperation", "You can't update documents owned by Amazon.");
        string requested = input.Str("DocumentVersion") ?? "$LATEST";
        if (requested != "$LATEST" && requested != Num(doc.Latest.Version))
        {
            throw new AwsException("InvalidDocumentVersion", "The document version is not valid or does not exist. Only the latest version can be updated.");
        }

        string content = input.Req("Content");
        string format = input.Str("DocumentFormat") ?? "JSON";
        var parsed = ParseContent(content, format, doc.DocumentType);
        string hash = Hash(content);
        if (doc.Versions.Any(v => v.Hash == hash))
        {
            throw new AwsException("DuplicateDocumentContent", "The content of the document matches an existing version.");
        }

        // Systems Manager service quotas: "Document versions: 1,000" per document.
        if (doc.Versions.Count >= MaxDocumentVersions) throw new AwsException("DocumentVersionLimitExceeded", "The document has too many versions. Delete one or more document versions and try again.");
        if (input.Str("VersionName") is { } vn && doc.Versions.Any(v => v.VersionName == vn))
        {
            throw new AwsException("DuplicateDocumentVersionName", "The version name has already been used in this document.");
        }

        doc.HighestVersion = Math.Max(doc.HighestVersion, doc.Versions.Max(v => v.Version)) + 1;
        var version = NewVersion(doc.HighestVersion, content, format, parsed, input.Str("VersionName"), ctx.Now);
        doc.Versions.Add(version);
        if (input.Str("TargetType") is { } tt) doc.TargetType = tt;
        return new JsonObject { ["DocumentDescription"] = Description(doc, version) };
    }

    private static JsonObject? UpdateDocumentDefaultVersion(CallContext ctx, JsonObject input)
    {
        var (doc, builtIn) = Find(ctx, input.Req("Name"));
        if (builtIn) throw new AwsException("InvalidDocumentOperation", "You can't update documents owned by Amazon.");
        var v = Version(doc, input.Req("DocumentVersion"), null);
        doc.DefaultVersion = v.Version;
        return new JsonObject
        {
            ["Description"] = new JsonObject { ["Name"] = doc.Name, ["DefaultVersion"] = Num(v.Version), ["DefaultVersionName"] = v.VersionName },
        };
    }

    private static JsonObject? ListDocumentVersions(CallContext ctx, JsonObject input)
    {
        var (doc, _) = Find(ctx, input.Req("Name"));
        var (page, next) = Paging.Page(doc.Versions, input.Str("NextToken"), (int)(input.Long("MaxResults") ?? 50), "InvalidNextToken");
        return new JsonObject
        {
            ["DocumentVersions"] = Json.Array(page, v => new JsonObject
            {
                ["Name"] = doc.Name,
                ["DocumentVersion"] = Num(v.Version),
                ["VersionName"] = v.VersionName,
                ["CreatedDate"] = Json.Time(v.CreatedDate),
                ["IsDefaultVersion"] = v.Version == doc.DefaultVersion,
                ["DocumentFormat"] = v.DocumentFormat ?? doc.DocumentFormat,
                ["Status"] = "Active",
            }),
            ["NextToken"] = next,
        };
    }

    private static JsonObject? DeleteDocument(CallContext ctx, JsonObject input)
    {
        string name = input.Req("Name");
        var (doc, builtIn) = Find(ctx, name);
        if (builtIn) throw new AwsException("InvalidDocumentOperation", "You can't delete documents owned by Amazon.");
        if (input.Str("DocumentVersion") is { } dv)
        {
            var v = Version(doc, dv, null);
            if (v.Version == doc.DefaultVersion) throw new AwsException("InvalidDocumentOperation", "You can't delete the default version of a document.");
            doc.Versions.Remove(v);
        }
        else
        {
            ctx.State.Documents.Remove(name);
        }

        return null;
    }

    /// <summary>Versions one document may hold (AWS General Reference, Systems Manager quotas).</summary>
    internal const int MaxDocumentVersions = 1000;

    private static bool IsReservedName(string name) =>
        name.StartsWith("aws", StringComparison.OrdinalIgnoreCase) || name.StartsWith("amazon", StringComparison.OrdinalIgnoreCase) || name.StartsWith("amzn", StringComparison.OrdinalIgnoreCase);

    /// <summary>The account's document, or one of the AWS-owned documents every region has.</summary>
    internal static (SsmDocument Doc, bool BuiltIn) Find(CallContext ctx, string nameOrArn)
    {
        string name = nameOrArn.StartsWith("arn:", StringComparison.Ordinal) ? nameOrArn[(nameOrArn.IndexOf('/', StringComparison.Ordinal) + 1)..] : nameOrArn;
        if (ctx.State.Documents.TryGetValue(name, out var doc)) return (doc, false);
        if (BuiltInDocuments.Get(name) is { } b) return (b, true);
        throw new AwsException("InvalidDocument", $"Document with name {name} does not exist.");
    }

    private static SsmDocumentVersion Version(SsmDocument doc, string? version, string? versionName)
    {
        SsmDocumentVersion? v = version switch
        {
            null when versionName is not null => doc.Versions.FirstOrDefault(x => x.VersionName == versionName),
            null or "$DEFAULT" => doc.Versions.FirstOrDefault(x => x.Version == doc.DefaultVersion),
            "$LATEST" => doc.Latest,
            _ => int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? doc.Versions.FirstOrDefault(x => x.Version == n) : null,
        };
        return v ?? throw new AwsException("InvalidDocumentVersion", "The document version is not valid or does not exist.");
    }

    private static SsmDocumentVersion NewVersion(int n, string content, string format, JsonNode? parsed, string? versionName, DateTimeOffset now) => new()
    {
        Version = n,
        Content = content,
        Hash = Hash(content),
        VersionName = versionName,
        CreatedDate = now,
        DocumentFormat = format,
        SchemaVersion = parsed?["schemaVersion"]?.GetValueKind() == JsonValueKind.String ? parsed["schemaVersion"]!.GetValue<string>() : null,
        Description = parsed?["description"]?.GetValueKind() == JsonValueKind.String ? parsed["description"]!.GetValue<string>() : null,
    };

    private static string Hash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses content as SSM does on create/update and checks the schema fields every document needs.</summary>
    internal static JsonNode? ParseContent(string content, string format, string type)
    {
        JsonNode? node;
        try
        {
            node = format switch
            {
                "JSON" => JsonNode.Parse(content),
                "YAML" => YamlJson.Parse(content),
                _ => null,
            };
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw new AwsException("InvalidDocumentContent", $"Document content is not valid {format}: {e.Message}");
        }

        if (format == "TEXT") return null;
        if (node is not JsonObject o) throw new AwsException("InvalidDocumentContent", "The content for the document is not valid.");
        if (o["schemaVersion"] is not JsonValue sv || sv.GetValueKind() != JsonValueKind.String)
        {
            throw new AwsException("InvalidDocumentContent", "schemaVersion is missing or is not a string.");
        }

        if (type == "Session")
        {
            if (sv.GetValue<string>() != "1.0") throw new AwsException("InvalidDocumentSchemaVersion", "Session documents support schemaVersion 1.0 only.");
            string? sessionType = o["sessionType"] is JsonValue st && st.GetValueKind() == JsonValueKind.String ? st.GetValue<string>() : null;
            if (sessionType is not ("Standard_Stream" or "InteractiveCommands" or "NonInteractiveCommands" or "Port"))
            {
                throw new AwsException("InvalidDocumentContent", "sessionType must be one of Standard_Stream, InteractiveCommands, NonInteractiveCommands, Port.");
            }

            if (o["inputs"] is { } inputs && inputs is not JsonObject)
            {
                throw new AwsException("InvalidDocumentContent", "inputs must be an object.");
            }
        }

        return node;
    }

    private static JsonObject Description(SsmDocument doc, SsmDocumentVersion v) => new()
    {
        ["Hash"] = v.Hash,
        ["HashType"] = "Sha256",
        ["Name"] = doc.Name,
        ["VersionName"] = v.VersionName,
        ["Owner"] = doc.Owner,
        ["CreatedDate"] = Json.Time(doc.Versions[0].CreatedDate),
        ["Status"] = "Active",
        ["DocumentVersion"] = Num(v.Version),
        ["Description"] = v.Description,
        ["PlatformTypes"] = Json.Array(["Windows", "Linux", "MacOS"]),
        ["DocumentType"] = doc.DocumentType,
        ["SchemaVersion"] = v.SchemaVersion,
        ["LatestVersion"] = Num(doc.Latest.Version),
        ["DefaultVersion"] = Num(doc.DefaultVersion),
        ["DocumentFormat"] = v.DocumentFormat ?? doc.DocumentFormat,
        ["TargetType"] = doc.TargetType,
        ["Tags"] = Json.Array(doc.Tags, t => new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }),
    };
}
