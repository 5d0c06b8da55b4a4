namespace OutputMonitor.Benchmarks;

/// <summary>The worst thread-pool and GC figures seen while a measurement ran.</summary>
internal readonly record struct RuntimeFigures(int MaxThreads, long MaxQueued, TimeSpan MaxGcPause, int GcSeen)
{
    /// <summary>The longest time in which no call completed.</summary>
    public TimeSpan LongestStall { get; init; }
}

/// <summary>
/// Samples the thread pool every 20 ms and every GC's pause (by GC index), so that a latency tail can
/// be told apart: queued work (starvation) or a long collection.
/// </summary>
internal sealed class RuntimeSampler : IDisposable
{
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private int _maxThreads;
    private long _maxQueued;
    private long _lastGcIndex;
    private TimeSpan _maxPause;
    private int _gcSeen;

    public RuntimeSampler()
    {
        _lastGcIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
    }

    public RuntimeFigures Stop()
    {
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        lock (_lock)
        {
            Sample();
            return new RuntimeFigures(_maxThreads, _maxQueued, _maxPause, _gcSeen);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        lock (_lock)
        {
            _maxThreads = Math.Max(_maxThreads, ThreadPool.ThreadCount);
            _maxQueued = Math.Max(_maxQueued, ThreadPool.PendingWorkItemCount);
            foreach (var kind in (ReadOnlySpan<GCKind>)[GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background])
            {
                var info = GC.GetGCMemoryInfo(kind);
                if (info.Index > _lastGcIndex)
                {
                    _gcSeen++;
                    foreach (var pause in info.PauseDurations)
                    {
                        _maxPause = pause > _maxPause ? pause : _maxPause;
                    }
                }
            }

            _lastGcIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        }
    }
}
