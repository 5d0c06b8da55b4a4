namespace OutputMonitor.Simulator.Model;

/// <summary>Emits one channel of one line in event-time order, everything due up to 'now', each item once.</summary>
internal interface IChannelCursor
{
    void Advance(long nowMs, List<TelemetryItem> sink);
}

/// <summary>Where a line's channels start: items (sensors apart) at <see cref="ItemsMs"/>, sensors at <see cref="SensorsMs"/>.</summary>
/// <param name="CurrentState">Report the state the line is in at <see cref="ItemsMs"/> even when it began earlier (a start without backfill).</param>
public readonly record struct EmitFrom(long ItemsMs, long SensorsMs, bool CurrentState);

/// <summary>
/// A channel whose items come as whole plant days (state changes, shipments). Starts at the first
/// item at or after <c>emitFrom</c>, or with <c>includeLastBefore</c> at the last one at or before
/// it, so that a line's current state is reported.
/// </summary>
internal sealed class DayListCursor : IChannelCursor
{
    private readonly SimLine _line;
    private readonly Func<DateOnly, IReadOnlyList<TelemetryItem>> _itemsOf;
    private DateOnly _day;
    private long _dayEnd;
    private IReadOnlyList<TelemetryItem> _items;
    private int _index;

    public DayListCursor(SimLine line, Func<DateOnly, IReadOnlyList<TelemetryItem>> itemsOf, long emitFromMs, bool includeLastBefore)
    {
        _line = line;
        _itemsOf = itemsOf;
        (_day, _, _dayEnd) = line.DayOf(emitFromMs);
        _items = itemsOf(_day);
        _index = 0;
        while (_index < _items.Count && _items[_index].TimestampMs < emitFromMs)
        {
            _index++;
        }

        if (includeLastBefore && (_index == _items.Count || _items[_index].TimestampMs > emitFromMs))
        {
            // Every day opens with a state report at its start, so today's list holds it.
            _index = Math.Max(0, _index - 1);
        }
    }

    public void Advance(long nowMs, List<TelemetryItem> sink)
    {
        while (true)
        {
            if (_index < _items.Count)
            {
                var item = _items[_index];
                if (item.TimestampMs > nowMs)
                {
                    return;
                }

                sink.Add(item);
                _index++;
            }
            else if (_dayEnd <= nowMs)
            {
                _day = _day.AddDays(1);
                (_, _dayEnd) = _line.DayBounds(_day);
                _items = _itemsOf(_day);
                _index = 0;
            }
            else
            {
                return;
            }
        }
    }
}

/// <summary>
/// A channel on a fixed grid (a reading every <c>period</c> ms, with jitter below a third of it):
/// the tick index is the <c>seq</c>, so sequence numbers are contiguous forever and any tick can be
/// computed on its own.
/// </summary>
internal abstract class GridCursor : IChannelCursor
{
    /// <summary>The origin of every grid and of the day count, 2020-01-01T00:00Z.</summary>
    public const long EpochMs = 1_577_836_800_000;

    private readonly long _period;
    private readonly long _phase;
    private readonly int _seed;
    private readonly ulong _key;
    private readonly Salt _salt;

    protected GridCursor(long period, long phase, int seed, ulong key, Salt salt)
    {
        (_period, _phase, _seed, _key, _salt) = (period, phase, seed, key, salt);
    }

    protected long Next { get; set; }

    /// <summary>The jittered time of tick <paramref name="k"/>; the stream it returns continues for that tick's other draws.</summary>
    protected long TickTs(long k, out SimRandom rng)
    {
        rng = SimRandom.At(_seed, _key, _salt, k);
        return EpochMs + _phase + (k * _period) + (long)(rng.NextDouble() * _period / 3);
    }

    protected long TickTs(long k) => TickTs(k, out _);

    protected long FirstTickAtOrAfter(long ms)
    {
        var k = Math.Max(0, ((ms - EpochMs - _phase) / _period) - 1);
        while (TickTs(k) < ms)
        {
            k++;
        }

        return k;
    }

    public void Advance(long nowMs, List<TelemetryItem> sink)
    {
        while (true)
        {
            var ts = TickTs(Next, out var rng);
            if (ts > nowMs)
            {
                return;
            }

            sink.Add(Produce(Next, ts, ref rng));
            Next++;
        }
    }

    protected abstract TelemetryItem Produce(long k, long ts, ref SimRandom rng);
}

/// <summary>
/// Output deltas. The units made since the plant day's start are a closed form, ⌊ideal rate ×
/// performance × ∫ ramp over the running time⌋, and the scrap among them ⌊units × ratio + phase⌋; a
/// tick reports the difference to the previous tick. So every tick stands on its own (no replay
/// from midnight, whenever the simulator starts), the day never exceeds the ideal rate, and a
/// tick's scrap never exceeds its units.
/// </summary>
internal sealed class OutputCursor : GridCursor
{
    private readonly ShiftLineSimulation _simulation;
    private readonly double _unitsPerMs;
    private readonly double _rampMs;
    private DateOnly _day;
    private long _dayStart = long.MaxValue;
    private DayTimeline? _timeline;
    private double _scrapPhase;
    private (long Units, long Scrap) _previous;

    public OutputCursor(ShiftLineSimulation simulation, long emitFromMs)
        : base(simulation.Profile.OutputPeriodMs, simulation.Profile.OutputPhaseMs, simulation.Seed, simulation.Line.KeyHash, Salt.OutputTick)
    {
        _simulation = simulation;
        _unitsPerMs = simulation.Profile.IdealPerHour / 3_600_000;
        _rampMs = simulation.Profile.RampMinutes * 60_000;
        Next = FirstTickAtOrAfter(emitFromMs);
    }

    protected override TelemetryItem Produce(long k, long ts, ref SimRandom rng)
    {
        var line = _simulation.Line;
        var (day, dayStart, _) = line.DayOf(ts);
        if (_timeline is null || day != _day)
        {
            (_day, _dayStart, _timeline) = (day, dayStart, _simulation.Timeline(day));
            _scrapPhase = SimRandom.At(_simulation.Seed, line.KeyHash, Salt.ScrapPhase, DayTimeline.DayNumber(day)).NextDouble();
            var previousTs = TickTs(k - 1);
            _previous = previousTs >= dayStart ? Made(previousTs) : (0, 0);
        }

        var made = Made(ts);
        var (units, scrap) = (made.Units - _previous.Units, made.Scrap - _previous.Scrap);
        _previous = made;
        return new OutputItem(line, $"{line.LineId}-{_simulation.Ids.For(ts)}-{k}", k, ts, units - scrap, scrap);
    }

    /// <summary>Units and scrap made from the day's start to <paramref name="ts"/>.</summary>
    private (long Units, long Scrap) Made(long ts)
    {
        var units = (long)Math.Floor(_unitsPerMs * _timeline!.Performance * _timeline.RunningIntegral(_dayStart, ts, _rampMs));
        return (units, (long)Math.Floor((units * _timeline.ScrapRatio) + _scrapPhase));
    }
}

/// <summary>Sensor readings about every 30 s, from the line's state at the time.</summary>
internal sealed class SensorCursor : GridCursor
{
    private readonly LineSimulation _simulation;

    public SensorCursor(LineSimulation simulation, long emitFromMs)
        : base(simulation.Profile.SensorPeriodMs, simulation.Profile.SensorPhaseMs, simulation.Seed, simulation.Line.KeyHash, Salt.SensorTick)
    {
        _simulation = simulation;
        Next = FirstTickAtOrAfter(emitFromMs);
    }

    protected override TelemetryItem Produce(long k, long ts, ref SimRandom rng)
    {
        var line = _simulation.Line;
        return new SensorItem(line, $"{line.LineId}-{_simulation.Ids.For(ts)}-v{k}", k, ts, _simulation.SensorValues(ts, ref rng));
    }
}

/// <summary>
/// The middle part of ids: the seed; from <see cref="AcceleratedFromMs"/> on (time acceleration) a
/// tag of the run, so accelerated events never collide with a real-time run's. Before it, ids stay
/// those of real time: a backfill replays with the same ids whatever the speed.
/// </summary>
public sealed record IdTags(string Seed, string? Accelerated = null, long AcceleratedFromMs = long.MaxValue)
{
    public string For(long ts) => Accelerated is not null && ts > AcceleratedFromMs ? Accelerated : Seed;
}

/// <summary>Σ of a per-day count over the days from <see cref="DayTimeline.Epoch"/>: the <c>seq</c> of a day's first item.</summary>
internal sealed class DailyCounter(Func<DateOnly, int> countOf)
{
    private DateOnly _day = DayTimeline.Epoch;
    private long _before;

    public long Before(DateOnly day)
    {
        if (day < DayTimeline.Epoch)
        {
            throw new ArgumentOutOfRangeException(nameof(day), day, $"the simulation starts on {DayTimeline.Epoch:yyyy-MM-dd}");
        }

        if (day < _day)
        {
            (_day, _before) = (DayTimeline.Epoch, 0);
        }

        for (; _day < day; _day = _day.AddDays(1))
        {
            _before += countOf(_day);
        }

        return _before;
    }
}
