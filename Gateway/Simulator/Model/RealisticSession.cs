using OutputMonitor.Registry;

namespace OutputMonitor.Simulator.Model;

/// <summary>
/// Realistic mode without I/O: the backfill as time slices, then the live steps, as MQTT messages.
/// The publisher calls <see cref="NextBackfillSlice"/> until it returns null, then <see cref="Step"/>
/// on a timer with the real time.
/// </summary>
public sealed class RealisticSession
{
    /// <summary>The backfill replays the past in slices of this much event time (and batches of up to 1000 items).</summary>
    public static readonly TimeSpan BackfillSlice = TimeSpan.FromMinutes(30);

    private readonly List<TelemetryItem> _items = [];
    private readonly int _batchSize;
    private long _backfilledTo;

    public RealisticSession(RegistryDocument registry, SimulatorOptions options, DateTimeOffset start)
        : this(registry, options, start, BackfillOf(options))
    {
    }

    public RealisticSession(RegistryDocument registry, SimulatorOptions options, DateTimeOffset start, Backfill backfill)
    {
        StartMs = start.ToUnixTimeMilliseconds();
        Clock = new SimClock(StartMs, options.Speed);
        _batchSize = options.BatchSize;

        // Accelerated events get ids of their own: they must not collide with a later real-time run.
        Model = new TelemetryModel(registry, options.Seed, start, backfill, Clock.IsRealTime ? null : $"{options.Seed}x{RunTag(start)}");
        _backfilledTo = backfill == Backfill.None ? StartMs : Model.EmitsFromMs - 1;
    }

    public TelemetryModel Model { get; }

    public SimClock Clock { get; }

    public long StartMs { get; }

    /// <summary>What <see cref="SimulatorOptions.Backfill"/> and <see cref="SimulatorOptions.BackfillPeriods"/> ask for.</summary>
    public static Backfill BackfillOf(SimulatorOptions options) =>
        !options.Backfill ? Backfill.None : options.BackfillPeriods ? Backfill.Period : Backfill.Day;

    /// <summary>The next slice of the history up to the start, or null when the backfill is done (or off).</summary>
    public List<SimMessage>? NextBackfillSlice()
    {
        if (_backfilledTo >= StartMs)
        {
            return null;
        }

        _backfilledTo = Math.Min(StartMs, _backfilledTo + (long)BackfillSlice.TotalMilliseconds);
        _items.Clear();
        Model.Advance(_backfilledTo, _items);
        var messages = new List<SimMessage>();
        TelemetryEncoder.Pack(_items, TelemetryEncoder.MaxBatchItems, messages);
        return messages;
    }

    /// <summary>Everything due by the real time <paramref name="now"/>, stamped on the real clock, packed by the batch size.</summary>
    public List<SimMessage> Step(DateTimeOffset now)
    {
        _items.Clear();
        Model.Advance(Clock.ToSimulated(now.ToUnixTimeMilliseconds()), _items);
        if (!Clock.IsRealTime)
        {
            for (var i = 0; i < _items.Count; i++)
            {
                _items[i] = _items[i] with { TimestampMs = Clock.ToReal(_items[i].TimestampMs) };
            }
        }

        var messages = new List<SimMessage>();
        TelemetryEncoder.Pack(_items, _batchSize, messages);
        return messages;
    }

    /// <summary>A short tag from the start time (base 36 seconds), for ids that must differ between runs.</summary>
    public static string RunTag(DateTimeOffset start)
    {
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var value = (ulong)Math.Max(0, start.ToUnixTimeSeconds());
        var chars = new Stack<char>();
        do
        {
            chars.Push(Digits[(int)(value % 36)]);
            value /= 36;
        }
        while (value > 0);

        return new string([.. chars]);
    }
}
