using CsCheck;
using SessionAudit.Kubernetes.Queue;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Queue;

/// <summary>
/// Random sequences of Add (either lane), Get and Done against a small model of the intended semantics: every key
/// handed out is the oldest of the highest lane, a key is queued at most once, a promotion gives it a place at the
/// end of the higher lane, and a re-add while processing is queued at Done at the highest priority asked for.
/// </summary>
public sealed class WorkQueueModelTests
{
    [Fact]
    public void Hand_out_order_matches_the_two_lane_model_for_any_sequence_of_adds_gets_and_dones()
    {
        var ops = Gen.Int[0, 4].Select(Gen.Int[0, 5], Gen.Bool).Array[1, 120];
        ops.Sample(Run, iter: 500);
    }

    private static void Run((int Op, int Key, bool High)[] ops)
    {
        using var q = new WorkQueue<int>(MaxOfRateLimiter<int>.Default(new QueueRateLimits(), TimeProvider.System));
        var model = new Model();
        var held = new List<int>();
        foreach (var (op, key, high) in ops)
        {
            var priority = high ? QueuePriority.High : QueuePriority.Low;
            switch (op)
            {
                case 0 or 1:
                    q.Add(key, priority);
                    model.Add(key, priority);
                    break;
                case 2 or 3 when model.Queued.Count > 0:
                    // Completes synchronously: a key is ready.
                    var got = q.GetWithPriorityAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
                    var expected = model.Get();
                    Assert.True(got.Ok);
                    Assert.Equal(expected, (got.Key, got.Priority));
                    held.Add(got.Key);
                    break;
                case 4 when held.Count > 0:
                    var done = held[key % held.Count];
                    held.Remove(done);
                    q.Done(done);
                    model.Done(done);
                    break;
            }

            Assert.Equal(model.Queued.Count, q.Count);
            Assert.Equal(model.Queued.Values.Count(v => v.Priority == QueuePriority.High), q.CountOf(QueuePriority.High));
            Assert.Equal(model.Processing.Count, q.ProcessingCount);
        }
    }

    private sealed class Model
    {
        private long stamp;

        public Dictionary<int, (QueuePriority Priority, long Order)> Queued { get; } = [];

        public HashSet<int> Processing { get; } = [];

        private Dictionary<int, QueuePriority> ReaddedWhileProcessing { get; } = [];

        public void Add(int key, QueuePriority priority)
        {
            if (Queued.TryGetValue(key, out var current))
            {
                if (priority > current.Priority) Queued[key] = (priority, ++stamp);
            }
            else if (Processing.Contains(key))
            {
                if (!ReaddedWhileProcessing.TryGetValue(key, out var p) || priority > p) ReaddedWhileProcessing[key] = priority;
            }
            else
            {
                Queued[key] = (priority, ++stamp);
            }
        }

        public (int Key, QueuePriority Priority) Get()
        {
            var next = Queued.OrderByDescending(kv => kv.Value.Priority).ThenBy(kv => kv.Value.Order).First();
            Queued.Remove(next.Key);
            Processing.Add(next.Key);
            return (next.Key, next.Value.Priority);
        }

        public void Done(int key)
        {
            Processing.Remove(key);
            if (ReaddedWhileProcessing.Remove(key, out var p)) Queued[key] = (p, ++stamp);
        }
    }
}
