using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Resources;

namespace SessionAudit.Sandbox.Kubernetes.Discovery;

/// <summary>Discovery documents: legacy APIVersions/APIGroupList/APIResourceList and aggregated APIGroupDiscoveryList (v2, v2beta1).</summary>
internal static class DiscoveryDocuments
{
    private static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(IReadOnlyCollection<ServedResource> all)
    {
        var groups = new JsonArray();
        foreach (var (group, versions) in Groups(all).Where(g => g.Group.Length > 0))
        {
            groups.Add(Group(group, versions));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? GroupDocument(IReadOnlyCollection<ServedResource> all, string group)
    {
        var match = Groups(all).FirstOrDefault(g => g.Group == group);
        if (match.Group is null)
        {
            return null;
        }

        var doc = Group(match.Group, match.Versions);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return doc;
    }

    public static JsonObject? ResourceList(IReadOnlyCollection<ServedResource> all, string group, string version)
    {
        var served = all.Where(r => r.Type.Group == group && r.Type.Served(version) is not null).OrderBy(r => r.Type.Plural, StringComparer.Ordinal).ToList();
        if (served.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var r in served)
        {
            var t = r.Type;
            var v = t.Served(version)!;
            var entry = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = Verbs(AllVerbs),
            };
            if (t.ShortNames.Count > 0)
            {
                entry["shortNames"] = Strings(t.ShortNames);
            }

            if (t.Categories.Count > 0)
            {
                entry["categories"] = Strings(t.Categories);
            }

            entry["storageVersionHash"] = Hash(t.Key);
            resources.Add(entry);
            if (v.StatusSubresource)
            {
                resources.Add(new JsonObject { ["name"] = t.Plural + "/status", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = t.Kind, ["verbs"] = Verbs(SubresourceVerbs) });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    /// <summary>The aggregated form of /api (core only) or /apis (every group).</summary>
    public static JsonObject Aggregated(IReadOnlyCollection<ServedResource> all, bool core, string apiVersion)
    {
        var items = new JsonArray();
        foreach (var (group, versions) in Groups(all).Where(g => (g.Group.Length == 0) == core))
        {
            var versionItems = new JsonArray();
            foreach (var version in versions)
            {
                var resources = new JsonArray();
                foreach (var r in all.Where(r => r.Type.Group == group && r.Type.Served(version) is not null).OrderBy(r => r.Type.Plural, StringComparer.Ordinal))
                {
                    var t = r.Type;
                    var entry = new JsonObject
                    {
                        ["resource"] = t.Plural,
                        ["responseKind"] = new JsonObject { ["group"] = "", ["version"] = "", ["kind"] = t.Kind },
                        ["scope"] = t.Namespaced ? "Namespaced" : "Cluster",
                        ["singularResource"] = t.Singular,
                        ["verbs"] = Verbs(AllVerbs),
                    };
                    if (t.ShortNames.Count > 0)
                    {
                        entry["shortNames"] = Strings(t.ShortNames);
                    }

                    if (t.Categories.Count > 0)
                    {
                        entry["categories"] = Strings(t.Categories);
                    }

                    if (t.Served(version)!.StatusSubresource)
                    {
                        entry["subresources"] = new JsonArray(new JsonObject
                        {
                            ["subresource"] = "status",
                            ["responseKind"] = new JsonObject { ["group"] = "", ["version"] = "", ["kind"] = t.Kind },
                            ["verbs"] = Verbs(SubresourceVerbs),
                        });
                    }

                    resources.Add(entry);
                }

                versionItems.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
            }

            var metadata = new JsonObject { ["creationTimestamp"] = null };
            if (!core)
            {
                metadata = new JsonObject { ["name"] = group, ["creationTimestamp"] = null };
            }

            items.Add(new JsonObject { ["metadata"] = metadata, ["versions"] = versionItems });
        }

        return new JsonObject { ["kind"] = "APIGroupDiscoveryList", ["apiVersion"] = apiVersion, ["metadata"] = new JsonObject(), ["items"] = items };
    }

    /// <summary>Groups in a stable order with their served versions, preferred (storage) version first.</summary>
    public static List<(string Group, List<string> Versions)> Groups(IReadOnlyCollection<ServedResource> all)
    {
        var result = new List<(string, List<string>)>();
        foreach (var g in all.GroupBy(r => r.Type.Group).OrderBy(g => g.Key.Length == 0 ? 0 : BuiltInOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var versions = g.SelectMany(r => r.Type.Versions.Where(v => v.Served).OrderByDescending(v => v.Storage).Select(v => v.Name)).Distinct().ToList();
            result.Add((g.Key, versions));
        }

        return result;
    }

    private static int BuiltInOrder(string group) => group.EndsWith(".k8s.io", StringComparison.Ordinal) || group == "apps" ? 1 : 2;

    private static JsonObject Group(string group, List<string> versions)
    {
        var vs = new JsonArray();
        foreach (var v in versions)
        {
            vs.Add(new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v });
        }

        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = vs,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    private static JsonArray Verbs(string[] verbs) => new([.. verbs.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static string Hash(string key) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..11];
}
