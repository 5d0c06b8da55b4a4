namespace OutputMonitor.Simulator.Model;

/// <summary>
/// Load mode without I/O: messages of <c>batchSize</c> items, each for the next line in turn (output
/// deltas for production lines, truck loads for shipment lines), stamped 'now'. Ids carry the run
/// tag, so runs never collide with each other or with realistic telemetry.
/// </summary>
public sealed class LoadGenerator
{
    private readonly IReadOnlyList<SimLine> _lines;
    private readonly long[] _seq;
    private readonly int _seed;
    private readonly string _runTag;
    private readonly TelemetryItem[] _items;
    private long _next;

    public LoadGenerator(IReadOnlyList<SimLine> lines, int seed, int batchSize, string runTag)
    {
        ArgumentOutOfRangeException.ThrowIfZero(lines.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, TelemetryEncoder.MaxBatchItems);
        (_lines, _seed, _runTag, BatchSize) = (lines, seed, runTag, batchSize);
        _seq = new long[lines.Count];
        _items = new TelemetryItem[batchSize];
    }

    public int BatchSize { get; }

    public IReadOnlyList<SimLine> Lines => _lines;

    public SimMessage Next(long nowMs)
    {
        var index = (int)(_next++ % _lines.Count);
        var line = _lines[index];
        for (var i = 0; i < BatchSize; i++)
        {
            var seq = _seq[index]++;
            var rng = SimRandom.At(_seed, line.KeyHash, Salt.Load, seq);
            var id = $"{line.LineId}-L{_runTag}-{seq}";
            _items[i] = line.IsShipment
                ? new ShipmentItem(line, id, seq, nowMs, Math.Round(rng.Range(1, 50), 1), "truck", null, null)
                : new OutputItem(line, id, seq, nowMs, rng.Between(1, 20), rng.NextDouble() < 0.1 ? 1 : 0);
        }

        if (BatchSize == 1)
        {
            return new SimMessage(line.Topic(_items[0].Channel), TelemetryEncoder.Encode(_items[0]), 1);
        }

        var messages = new List<SimMessage>(1);
        TelemetryEncoder.Pack(_items, BatchSize, messages);
        return messages[0];
    }
}

/// <summary>
/// Paces load mode: how many messages are due after a given time at a fixed item rate. A backlog of
/// more than a second (a slow or absent broker) is skipped, not burst out later.
/// </summary>
public sealed class LoadPacer(int itemsPerSecond, int batchSize)
{
    public static readonly TimeSpan MaxBacklog = TimeSpan.FromSeconds(1);

    private long _released;

    /// <summary>Messages skipped since the start because they fell more than <see cref="MaxBacklog"/> behind.</summary>
    public long Skipped { get; private set; }

    public double MessagesPerSecond => (double)itemsPerSecond / batchSize;

    /// <summary>The messages to send now, <paramref name="elapsed"/> after the start (each counted as released).</summary>
    public int Due(TimeSpan elapsed)
    {
        // Exact: whole messages whose time has come, in ticks (no floating-point drift over hours).
        var target = (long)((Int128)elapsed.Ticks * itemsPerSecond / ((Int128)batchSize * TimeSpan.TicksPerSecond));
        var due = target - _released;
        var limit = Math.Max(1, (long)Math.Ceiling(MessagesPerSecond * MaxBacklog.TotalSeconds));
        if (due > limit)
        {
            Skipped += due - limit;
            _released += due - limit;
            due = limit;
        }

        due = Math.Max(0, due);
        _released += due;
        return (int)due;
    }
}
