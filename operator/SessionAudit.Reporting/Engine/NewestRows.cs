using SessionAudit.Reporting.Model;

namespace SessionAudit.Reporting.Engine;

/// <summary>Keeps the <c>capacity</c> newest rows seen, whatever order they arrive in: a min-heap on start time, oldest on top.</summary>
internal sealed class NewestRows(int capacity)
{
    // Rows without a start date rank oldest; equal starts rank by session id so the choice does not depend on arrival order.
    private static readonly Comparer<SessionRow> OldestFirst = Comparer<SessionRow>.Create(static (a, b) =>
    {
        var byStart = Nullable.Compare(a.Start, b.Start);
        return byStart != 0 ? byStart : string.CompareOrdinal(b.SessionId, a.SessionId);
    });

    private readonly PriorityQueue<SessionRow, SessionRow> heap = new(OldestFirst);

    public void Add(SessionRow row)
    {
        if (capacity == 0)
        {
            return;
        }

        if (heap.Count < capacity)
        {
            heap.Enqueue(row, row);
        }
        else if (OldestFirst.Compare(row, heap.Peek()) > 0)
        {
            heap.DequeueEnqueue(row, row);
        }
    }

    public SessionRow[] NewestFirst()
    {
        var result = heap.UnorderedItems.Select(static i => i.Element).ToArray();
        Array.Sort(result, static (a, b) => OldestFirst.Compare(b, a));
        return result;
    }
}
