using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission;

namespace SessionAudit.Sandbox.Kubernetes.Resources;

/// <summary>A kind the sandbox serves: its names, scope, versions and behaviour.</summary>
internal sealed record ResourceType
{
    public required string Group { get; init; }

    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required string Kind { get; init; }

    public string ListKind => Kind + "List";

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public required IReadOnlyList<ResourceVersionDef> Versions { get; init; }

    /// <summary>Whether metadata.generation is kept (bumped on spec changes).</summary>
    public bool HasGeneration { get; init; }

    /// <summary>A custom resource defined by a CRD (merge patch only; schema admission).</summary>
    public bool IsCustom { get; init; }

    /// <summary>Field selector labels beyond metadata.name and metadata.namespace.</summary>
    public IReadOnlyList<string> ExtraFieldLabels { get; init; } = [];

    /// <summary>Strategic merge patch keys: dotted path of a list (without indexes) to its merge key; "" marks a set of scalars.</summary>
    public IReadOnlyDictionary<string, string> MergeKeys { get; init; } = new Dictionary<string, string>();

    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string Key => Group + "/" + Plural;

    public ResourceVersionDef StorageVersion => Versions.FirstOrDefault(v => v.Storage) ?? Versions[0];

    public ResourceVersionDef? Served(string version) => Versions.FirstOrDefault(v => v.Served && v.Name == version);

    public string ApiVersion(string version) => Group.Length == 0 ? version : $"{Group}/{version}";

    public string PreferredVersion => Versions.First(v => v.Served).Name;
}

/// <summary>One served version of a resource.</summary>
internal sealed record ResourceVersionDef
{
    public required string Name { get; init; }

    public bool Served { get; init; } = true;

    public bool Storage { get; init; } = true;

    public bool StatusSubresource { get; init; }

    public bool ScaleSubresource { get; init; }

    public IReadOnlyList<PrinterColumn> Columns { get; init; } = [];

    /// <summary>The CRD's openAPIV3Schema as written, for OpenAPI documents.</summary>
    public JsonObject? RawSchema { get; init; }

    /// <summary>Compiled schema for admission, defaulting and pruning (custom resources).</summary>
    public StructuralSchema? Schema { get; init; }
}

/// <summary>An additionalPrinterColumn.</summary>
internal sealed record PrinterColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath);
