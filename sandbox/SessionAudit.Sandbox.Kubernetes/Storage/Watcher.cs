using System.Threading.Channels;

namespace SessionAudit.Sandbox.Kubernetes.Storage;

/// <summary>An open watch: its filter and the queue the store fans events into.</summary>
internal sealed class Watcher(Func<StoredObject, bool> filter, CancellationToken requestAborted) : IDisposable
{
    private readonly Channel<WatchItem> _items = Channel.CreateUnbounded<WatchItem>(new UnboundedChannelOptions { SingleReader = true });

    public CancellationTokenSource Stop { get; } = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);

    /// <summary>How a fault asked the stream to end (set before <see cref="Stop"/> fires).</summary>
    public WatchEnding Ending { get; set; }

    public ChannelReader<WatchItem> Items => _items.Reader;

    /// <summary>Called under the store's lock, so items arrive in resourceVersion order.</summary>
    public void Offer(WatchEvent e)
    {
        if (Classify(e) is { } t)
        {
            _items.Writer.TryWrite(new WatchItem(t, e.Object, 0, false));
        }
    }

    /// <summary>How this watcher sees a change: an object entering its selection is ADDED, one leaving it DELETED.</summary>
    public WatchEventType? Classify(WatchEvent e)
    {
        var now = filter(e.Object);
        var before = e.Previous is not null && filter(e.Previous);
        return e.Type switch
        {
            WatchEventType.Added => now ? WatchEventType.Added : null,
            WatchEventType.Deleted => (now || before) ? WatchEventType.Deleted : null,
            _ => (now, before) switch
            {
                (true, true) => WatchEventType.Modified,
                (true, false) => WatchEventType.Added,
                (false, true) => WatchEventType.Deleted,
                _ => null,
            },
        };
    }

    public void Bookmark(long resourceVersion, bool initialEventsEnd = false) =>
        _items.Writer.TryWrite(new WatchItem(WatchEventType.Bookmark, null, resourceVersion, initialEventsEnd));

    public bool Matches(StoredObject o) => filter(o);

    public void Close() => _items.Writer.TryComplete();

    public void Dispose() => Stop.Dispose();
}

/// <summary>How a watch stream is ended by a fault.</summary>
internal enum WatchEnding
{
    /// <summary>The response ends normally (an API server restart, a load balancer closing idle streams).</summary>
    Clean,

    /// <summary>The connection is reset mid-stream: no clean end of the response.</summary>
    Reset,

    /// <summary>An ERROR event with a 500 InternalError Status, then the end (as the watch cache sends on storage errors).</summary>
    Error,
}
