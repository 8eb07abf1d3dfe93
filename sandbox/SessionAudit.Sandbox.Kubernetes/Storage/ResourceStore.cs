namespace SessionAudit.Sandbox.Kubernetes.Storage;

/// <summary>Objects of one resource (all versions), their recent history and the watches on them.</summary>
/// <remarks>
/// One lock per resource: writes to different resources never contend, and within a resource the
/// resourceVersion is taken, the object stored and every watcher fed under the same lock, so each
/// watcher sees events in resourceVersion order. Keys are kept sorted for list pagination.
/// </remarks>
internal sealed class ResourceStore(ResourceVersionClock clock, int historyCapacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly WatchEvent?[] _history = new WatchEvent?[Math.Max(1, historyCapacity)];
    private readonly List<Watcher> _watchers = [];
    private int _historyStart;
    private int _historyCount;
    private long _compactedVersion;

    public ResourceVersionClock Clock => clock;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _objects.Count;
            }
        }
    }

    public int WatcherCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    public StoredObject? Get(string key)
    {
        lock (_gate)
        {
            return _objects.GetValueOrDefault(key);
        }
    }

    /// <summary>A page of matching objects in key order after <paramref name="afterKey"/>, and the list's resourceVersion.</summary>
    public ListPage List(Func<StoredObject, bool> filter, string? afterKey, int limit, string? keyPrefix = null)
    {
        lock (_gate)
        {
            var items = new List<StoredObject>(limit > 0 ? Math.Min(limit, _objects.Count) : _objects.Count);
            IEnumerable<string> keys = _keys;
            if (afterKey is not null && _keys.Count > 0 && _keys.Max is { } max)
            {
                keys = string.CompareOrdinal(afterKey, max) >= 0 ? [] : _keys.GetViewBetween(afterKey, max);
            }
            else if (keyPrefix is not null && _keys.Count > 0 && _keys.Max is { } max2)
            {
                keys = string.CompareOrdinal(keyPrefix, max2) > 0 ? [] : _keys.GetViewBetween(keyPrefix, max2);
            }

            string? last = null;
            var more = false;
            foreach (var key in keys)
            {
                if (afterKey is not null && string.CompareOrdinal(key, afterKey) <= 0)
                {
                    continue;
                }

                if (keyPrefix is not null && !key.StartsWith(keyPrefix, StringComparison.Ordinal))
                {
                    break;
                }

                var o = _objects[key];
                if (!filter(o))
                {
                    continue;
                }

                if (limit > 0 && items.Count == limit)
                {
                    more = true;
                    break;
                }

                items.Add(o);
                last = key;
            }

            return new ListPage(items, clock.Current, more ? last : null);
        }
    }

    /// <summary>Stores a new object; null when the key is taken.</summary>
    public StoredObject? Create(string key, Func<long, StoredObject> build)
    {
        lock (_gate)
        {
            if (_objects.ContainsKey(key))
            {
                return null;
            }

            var o = build(clock.Next());
            _objects.Add(key, o);
            _keys.Add(key);
            Publish(new WatchEvent(WatchEventType.Added, o, null));
            return o;
        }
    }

    /// <summary>Replaces the object if it is still at <paramref name="expected"/>; returns the stored version, or null on a lost race.</summary>
    public StoredObject? Replace(string key, long expected, Func<long, StoredObject> build)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(key, out var current) || current.ResourceVersion != expected)
            {
                return null;
            }

            var o = build(clock.Next());
            _objects[key] = o;
            Publish(new WatchEvent(WatchEventType.Modified, o, current));
            return o;
        }
    }

    /// <summary>Removes the object if it is still at <paramref name="expected"/>; <paramref name="tombstone"/> builds its last state at the deletion's resourceVersion.</summary>
    public StoredObject? Remove(string key, long expected, Func<long, StoredObject, StoredObject> tombstone)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(key, out var current) || current.ResourceVersion != expected)
            {
                return null;
            }

            var o = tombstone(clock.Next(), current);
            _objects.Remove(key);
            _keys.Remove(key);
            Publish(new WatchEvent(WatchEventType.Deleted, o, current));
            return o;
        }
    }

    /// <summary>Every object, for cascading deletes; a snapshot.</summary>
    public List<StoredObject> Snapshot()
    {
        lock (_gate)
        {
            return [.. _objects.Values];
        }
    }

    /// <summary>Registers a watch. Returns the events it must send first, or null when <paramref name="fromVersion"/> is too old.</summary>
    public List<WatchItem>? Watch(Watcher watcher, long? fromVersion, bool initialEventsEnd)
    {
        lock (_gate)
        {
            var initial = new List<WatchItem>();
            if (fromVersion is { } from)
            {
                if (from < _compactedVersion)
                {
                    return null;
                }

                for (var i = 0; i < _historyCount; i++)
                {
                    var e = _history[(_historyStart + i) % _history.Length]!;
                    if (e.ResourceVersion > from)
                    {
                        // Replaying through the filter keeps label-selector transitions right.
                        if (watcher.Classify(e) is { } t)
                        {
                            initial.Add(new WatchItem(t, e.Object, 0, false));
                        }
                    }
                }
            }
            else
            {
                foreach (var key in _keys)
                {
                    var o = _objects[key];
                    if (watcher.Matches(o))
                    {
                        initial.Add(new WatchItem(WatchEventType.Added, o, 0, false));
                    }
                }

                if (initialEventsEnd)
                {
                    initial.Add(new WatchItem(WatchEventType.Bookmark, null, clock.Current, true));
                }
            }

            _watchers.Add(watcher);
            return initial;
        }
    }

    public void Unwatch(Watcher watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }
    }

    /// <summary>Queues a bookmark on a watch; under the lock so every earlier event is already queued.</summary>
    public void Bookmark(Watcher watcher)
    {
        lock (_gate)
        {
            watcher.Bookmark(clock.Current);
        }
    }

    /// <summary>Ends every open watch on this resource, the way <paramref name="ending"/> says.</summary>
    public void DropWatches(WatchEnding ending = WatchEnding.Clean)
    {
        Watcher[] open;
        lock (_gate)
        {
            open = [.. _watchers];
        }

        foreach (var w in open)
        {
            try
            {
                w.Ending = ending;
                w.Stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the watch ended on its own meanwhile
            }
        }
    }

    /// <summary>Forgets history before <paramref name="version"/>: watches and continue tokens from older versions get 410.</summary>
    public void Compact(long version)
    {
        lock (_gate)
        {
            _compactedVersion = Math.Max(_compactedVersion, version);
            Array.Clear(_history);
            _historyStart = 0;
            _historyCount = 0;
        }
    }

    /// <summary>True when a continue token or watch from this version can no longer be served.</summary>
    public bool IsExpired(long version)
    {
        lock (_gate)
        {
            return version < _compactedVersion;
        }
    }

    private void Publish(WatchEvent e)
    {
        if (_historyCount == _history.Length)
        {
            _compactedVersion = _history[_historyStart]!.ResourceVersion;
            _history[_historyStart] = e;
            _historyStart = (_historyStart + 1) % _history.Length;
        }
        else
        {
            _history[(_historyStart + _historyCount) % _history.Length] = e;
            _historyCount++;
        }

        foreach (var w in _watchers)
        {
            w.Offer(e);
        }
    }
}

/// <summary>A page of a list and the token to continue after it.</summary>
internal sealed record ListPage(List<StoredObject> Items, long ResourceVersion, string? ContinueAfter);
