namespace SessionAudit.Sandbox.Kubernetes.Storage;

/// <summary>A change kept in a resource's history: the object after it (for DELETED, its last state) and before it.</summary>
internal sealed record WatchEvent(WatchEventType Type, StoredObject Object, StoredObject? Previous)
{
    public long ResourceVersion => Object.ResourceVersion;
}

/// <summary>Watch event types on the wire.</summary>
internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

/// <summary>What a watcher's stream carries: a change, a bookmark at a resourceVersion, or the end of the initial events.</summary>
internal readonly record struct WatchItem(WatchEventType Type, StoredObject? Object, long BookmarkVersion, bool InitialEventsEnd);
