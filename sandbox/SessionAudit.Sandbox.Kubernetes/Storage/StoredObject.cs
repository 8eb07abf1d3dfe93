namespace SessionAudit.Sandbox.Kubernetes.Storage;

/// <summary>One object version as stored: its serialized JSON plus the few fields lists and watches filter on.</summary>
/// <remarks>Kept as UTF-8 bytes rather than a DOM: lists and watches write the bytes as they are, and 10,000 objects stay small.</remarks>
internal sealed class StoredObject(string ns, string name, string uid, long resourceVersion, byte[] json, KeyValuePair<string, string>[] labels, string[] ownerUids)
{
    public string Namespace { get; } = ns;

    public string Name { get; } = name;

    public string Uid { get; } = uid;

    public long ResourceVersion { get; } = resourceVersion;

    public byte[] Json { get; } = json;

    public KeyValuePair<string, string>[] Labels { get; } = labels;

    /// <summary>uids named in ownerReferences, for garbage collection.</summary>
    public string[] OwnerUids { get; } = ownerUids;

    public string Key => StoreKey(Namespace, Name);

    public string? Label(string key)
    {
        foreach (var kv in Labels)
        {
            if (kv.Key == key)
            {
                return kv.Value;
            }
        }

        return null;
    }

    public static string StoreKey(string ns, string name) => ns.Length == 0 ? name : ns + "/" + name;
}
