using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Resources;

/// <summary>The resources served right now: built-ins plus those CRDs define, each with its store.</summary>
internal sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private readonly ResourceVersionClock _clock;
    private readonly int _history;
    private Dictionary<string, ServedResource> _byKey = new(StringComparer.Ordinal);
    private long _generation;

    public ResourceRegistry(ResourceVersionClock clock, int history)
    {
        _clock = clock;
        _history = history;
        foreach (var t in BuiltInResources.All)
        {
            _byKey[t.Key] = new ServedResource(t, new ResourceStore(clock, history));
        }
    }

    /// <summary>Changes whenever the set of served resources changes (discovery and OpenAPI documents are cached on it).</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public IReadOnlyCollection<ServedResource> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _byKey.Values];
            }
        }
    }

    public ServedResource? Find(string group, string plural)
    {
        lock (_gate)
        {
            return _byKey.GetValueOrDefault(group + "/" + plural);
        }
    }

    /// <summary>Resolves a URL's group, version and resource to what serves it.</summary>
    public (ServedResource Resource, ResourceVersionDef Version)? Resolve(string group, string version, string plural)
    {
        var r = Find(group, plural);
        if (r?.Type.Served(version) is { } v)
        {
            return (r, v);
        }

        return null;
    }

    public IEnumerable<string> GroupVersions()
    {
        foreach (var r in All)
        {
            foreach (var v in r.Type.Versions.Where(v => v.Served))
            {
                yield return r.Type.ApiVersion(v.Name);
            }
        }
    }

    /// <summary>Serves (or re-serves with new versions and schemas) the resource a CRD defines; keeps its objects.</summary>
    public void Define(JsonObject crd)
    {
        var type = FromCrd(crd);
        lock (_gate)
        {
            var next = new Dictionary<string, ServedResource>(_byKey);
            next[type.Key] = next.TryGetValue(type.Key, out var existing)
                ? existing with { Type = type }
                : new ServedResource(type, new ResourceStore(_clock, _history));
            _byKey = next;
        }

        Interlocked.Increment(ref _generation);
    }

    /// <summary>Stops serving a CRD's resource; its objects and watches go with it.</summary>
    public void Undefine(string group, string plural)
    {
        ServedResource? removed;
        lock (_gate)
        {
            var next = new Dictionary<string, ServedResource>(_byKey);
            if (!next.Remove(group + "/" + plural, out removed))
            {
                return;
            }

            _byKey = next;
        }

        removed.Store.DropWatches();
        Interlocked.Increment(ref _generation);
    }

    public static ResourceType FromCrd(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var versions = new List<ResourceVersionDef>();
        foreach (var v in spec["versions"]?.AsArray() ?? [])
        {
            var vo = v!.AsObject();
            var schema = Json.At(vo, "schema.openAPIV3Schema") as JsonObject;
            var columns = new List<PrinterColumn>();
            foreach (var c in vo["additionalPrinterColumns"]?.AsArray() ?? [])
            {
                columns.Add(new PrinterColumn(
                    Json.Str(c!["name"]) ?? "",
                    Json.Str(c["type"]) ?? "string",
                    Json.Str(c["format"]) ?? "",
                    Json.Str(c["description"]) ?? "",
                    c["priority"] is JsonValue p ? p.GetValue<int>() : 0,
                    Json.Str(c["jsonPath"]) ?? ""));
            }

            versions.Add(new ResourceVersionDef
            {
                Name = Json.Str(vo["name"]) ?? "v1",
                Served = vo["served"]?.GetValue<bool>() ?? true,
                Storage = vo["storage"]?.GetValue<bool>() ?? false,
                StatusSubresource = Json.At(vo, "subresources.status") is JsonObject,
                ScaleSubresource = Json.At(vo, "subresources.scale") is JsonObject,
                Columns = columns,
                RawSchema = schema,
                Schema = schema is null ? null : StructuralSchema.Compile(schema),
            });
        }

        return new ResourceType
        {
            Group = Json.Str(spec["group"]) ?? "",
            Plural = Json.Str(names["plural"]) ?? "",
            Singular = Json.Str(names["singular"]) ?? (Json.Str(names["kind"]) ?? "").ToLowerInvariant(),
            Kind = Json.Str(names["kind"]) ?? "",
            Namespaced = Json.Str(spec["scope"]) != "Cluster",
            ShortNames = names["shortNames"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [],
            Categories = names["categories"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [],
            Versions = versions,
            HasGeneration = true,
            IsCustom = true,
            MergeKeys = new Dictionary<string, string> { ["metadata.finalizers"] = "", ["metadata.ownerReferences"] = "uid" },
        };
    }
}

/// <summary>A served resource and the store that holds its objects.</summary>
internal sealed record ServedResource(ResourceType Type, ResourceStore Store);
