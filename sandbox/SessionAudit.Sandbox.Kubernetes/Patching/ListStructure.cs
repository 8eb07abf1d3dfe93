using SessionAudit.Sandbox.Kubernetes.Resources;

namespace SessionAudit.Sandbox.Kubernetes.Patching;

/// <summary>How a list merges, by its field path: atomic (replaced whole), map (items keyed), or set (scalars by value).</summary>
internal sealed class ListStructure(ResourceType type, ResourceVersionDef version)
{
    public (ListKind Kind, string[] Keys) Of(IReadOnlyList<string> names)
    {
        if (type.IsCustom && version.Schema is { } schema)
        {
            var node = schema.Root;
            foreach (var n in names)
            {
                while (node?.Items is { } items && node.Type == "array")
                {
                    node = items;
                }

                node = node?.Child(n);
            }

            if (node is not null)
            {
                return node.ListType switch
                {
                    "map" when node.ListMapKeys.Length > 0 => (ListKind.Map, node.ListMapKeys),
                    "set" => (ListKind.Set, []),
                    _ => (ListKind.Atomic, []),
                };
            }
        }

        var path = string.Join('.', names);
        if (type.MergeKeys.TryGetValue(path, out var key))
        {
            return key.Length == 0 ? (ListKind.Set, []) : (ListKind.Map, [key]);
        }

        return (ListKind.Atomic, []);
    }
}

/// <summary>List merge strategies of server-side apply.</summary>
internal enum ListKind
{
    Atomic,
    Map,
    Set,
}
