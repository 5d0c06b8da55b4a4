namespace OutputMonitor.Simulator.Model;

/// <summary>The simulation of one line: its channels, each a cursor over a deterministic stream.</summary>
public abstract class LineSimulation
{
    private readonly List<IChannelCursor> _cursors = [];

    protected LineSimulation(SimLine line, int seed, IdTags ids)
    {
        Line = line;
        Seed = seed;
        Ids = ids;
        Profile = LineProfile.For(line, seed);
    }

    public SimLine Line { get; }

    public LineProfile Profile { get; }

    public int Seed { get; }

    /// <summary>The middle part of every id: the seed (a run tag for accelerated time).</summary>
    public IdTags Ids { get; }

    /// <summary>Appends every item of this line with an event time up to <paramref name="nowMs"/> not yet emitted.</summary>
    public void Advance(long nowMs, List<TelemetryItem> sink)
    {
        foreach (var cursor in _cursors)
        {
            cursor.Advance(nowMs, sink);
        }
    }

    internal void Add(IChannelCursor cursor) => _cursors.Add(cursor);

    /// <summary>The line's state at an instant.</summary>
    public abstract LineState StateAt(long ms);

    internal abstract IReadOnlyList<SensorValue> SensorValues(long ms, ref SimRandom rng);

    internal static IReadOnlyList<SensorValue> Readings(IReadOnlyList<SensorSpec> specs, bool running, double rate, ref SimRandom rng)
    {
        var values = new SensorValue[specs.Count];
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var mean = !running ? spec.Stopped : spec.FollowsRate ? spec.Running * rate : spec.Running;
            var noise = spec.Noise * rng.NextGaussian() * (running ? 1 : 0.3);
            values[i] = new SensorValue(spec.Name, Math.Round(Math.Max(0, mean + noise), spec.Decimals));
        }

        return values;
    }
}

/// <summary>
/// A line that works shifts: production lines (output deltas) and shipment lines loading trucks,
/// trains or barges (shipments placed in the running time of the day), with state and sensors.
/// </summary>
public sealed class ShiftLineSimulation : LineSimulation
{
    private readonly Dictionary<DateOnly, DayTimeline> _timelines = [];
    private readonly DailyCounter _states;
    private readonly DailyCounter _shipments;

    public ShiftLineSimulation(SimLine line, int seed, IdTags ids, EmitFrom from)
        : base(line, seed, ids)
    {
        _states = new DailyCounter(day => DayTimeline.StateMessages(Profile, Line, Seed, day));
        _shipments = new DailyCounter(ShipmentCount);
        Add(line.IsShipment ? new DayListCursor(line, ShipmentsOf, from.ItemsMs, includeLastBefore: false) : new OutputCursor(this, from.ItemsMs));
        Add(new DayListCursor(line, StatesOf, from.ItemsMs, from.CurrentState));
        Add(new SensorCursor(this, from.SensorsMs));
    }

    public DayTimeline Timeline(DateOnly day)
    {
        if (!_timelines.TryGetValue(day, out var timeline))
        {
            if (_timelines.Count >= 4)
            {
                _timelines.Remove(_timelines.Keys.Min());
            }

            timeline = DayTimeline.Build(Profile, Line, Seed, day);
            _timelines[day] = timeline;
        }

        return timeline;
    }

    public override LineState StateAt(long ms) => Timeline(Line.DayOf(ms).Day).At(ms).State;

    /// <summary>The day's state changes, the first at the day's start; <c>seq</c> counts on from the previous days.</summary>
    public IReadOnlyList<TelemetryItem> StatesOf(DateOnly day)
    {
        var timeline = Timeline(day);
        var seq = _states.Before(day);
        var items = new TelemetryItem[timeline.Segments.Count];
        for (var i = 0; i < items.Length; i++, seq++)
        {
            var segment = timeline.Segments[i];
            items[i] = new StateItem(Line, $"{Line.LineId}-{Ids.For(segment.StartMs)}-s{seq}", seq, segment.StartMs, segment.State, segment.Reason);
        }

        return items;
    }

    /// <summary>The number of loads of a day: the day's plan at a drawn ratio of it, in loads of the line's mean size.</summary>
    public int ShipmentCount(DateOnly day)
    {
        var rng = SimRandom.At(Seed, Line.KeyHash, Salt.ShipmentCount, DayTimeline.DayNumber(day));
        var expected = Profile.TonsPerDay * rng.Range(Profile.MinRatio, Profile.MaxRatio) / ((Profile.MinTons + Profile.MaxTons) / 2);
        return (int)Math.Floor(expected + rng.NextDouble());
    }

    /// <summary>The day's loads, spread over its running time.</summary>
    public IReadOnlyList<TelemetryItem> ShipmentsOf(DateOnly day)
    {
        var timeline = Timeline(day);
        var count = ShipmentCount(day);
        var seq = _shipments.Before(day);
        var rng = SimRandom.At(Seed, Line.KeyHash, Salt.ShipmentDay, DayTimeline.DayNumber(day));
        var items = new TelemetryItem[count];
        for (var i = 0; i < count; i++, seq++)
        {
            var ts = timeline.AtRunningQuantile((i + rng.Range(0.15, 0.85)) / count);
            var tons = Math.Round(rng.Range(Profile.MinTons, Profile.MaxTons), 1);
            var to = Profile.Destinations.Count == 0 ? null : rng.Pick(Profile.Destinations);
            items[i] = new ShipmentItem(Line, $"{Line.LineId}-{Ids.For(ts)}-{seq}", seq, ts, tons, Profile.Mode, Profile.From, to);
        }

        return items;
    }

    internal override IReadOnlyList<SensorValue> SensorValues(long ms, ref SimRandom rng)
    {
        var timeline = Timeline(Line.DayOf(ms).Day);
        var rate = timeline.RateAt(ms, Profile.RampMinutes * 60_000);
        return Readings(Profile.Sensors, timeline.At(ms).State == LineState.Running, Line.IsShipment ? Math.Min(1, rate / timeline.Performance) : rate, ref rng);
    }
}

/// <summary>
/// Vessel loading: a vessel of 50–60 kt every couple of days, planned per month at about 86–94 % of the
/// month's plan and never ahead of its pace (see <see cref="VesselSchedule"/>); <c>running</c> while
/// a vessel loads, <c>idle</c> between vessels, a state report at every day's start.
/// </summary>
public sealed class VesselLineSimulation : LineSimulation
{
    private const string Loading = "装船作业 vessel loading";
    private const string Waiting = "等待船舶 waiting for vessel";

    public VesselLineSimulation(SimLine line, int seed, IdTags ids, EmitFrom from)
        : base(line, seed, ids)
    {
        Schedule = new VesselSchedule(line, Profile, seed);
        Add(new DayListCursor(line, ShipmentsOf, from.ItemsMs, includeLastBefore: false));
        Add(new DayListCursor(line, StatesOf, from.ItemsMs, from.CurrentState));
        Add(new SensorCursor(this, from.SensorsMs));
    }

    public VesselSchedule Schedule { get; }

    public override LineState StateAt(long ms) => Schedule.LoadingAt(ms) is null ? LineState.Idle : LineState.Running;

    /// <summary>The vessels completed in the plant day, as the shipments the line reports at their completion.</summary>
    public IReadOnlyList<ShipmentItem> ShipmentsOf(DateOnly day)
    {
        var (start, end) = Line.DayBounds(day);
        return [.. Schedule.Around(start, end)
            .Where(v => v.CompletionMs >= start && v.CompletionMs < end)
            .Select(v => new ShipmentItem(Line, $"{Line.LineId}-{Ids.For(v.CompletionMs)}-{v.Index}", v.Index, v.CompletionMs, v.Tons, Profile.Mode, Profile.From, v.To))];
    }

    /// <summary>
    /// The vessels completed in the plant-local month containing <paramref name="day"/>, as the
    /// shipments the simulator publishes for them (same id, <c>seq</c>, time and tons as a live run
    /// with the same seed), in time order.
    /// </summary>
    /// <example>
    /// A month of the demo's vessel pattern for a grain test, without MQTT:
    /// <code>
    /// var vessel = (VesselLineSimulation)TelemetryModel.ForLine(RegistryJson.LoadDemo(), "hnic", "boke-vessel", seed: 2026);
    /// IReadOnlyList&lt;ShipmentItem&gt; march = vessel.ShipmentsOfMonth(new DateOnly(2026, 3, 1));
    /// await lineGrain.IngestAsync([.. march.Select(s => s.ToReading())]);
    /// </code>
    /// The month's plan is <see cref="VesselSchedule.MonthPlan"/>; the vessels with their loading
    /// starts are <see cref="VesselSchedule.VesselsOf"/> of <see cref="Schedule"/>.
    /// </example>
    public IReadOnlyList<ShipmentItem> ShipmentsOfMonth(DateOnly day)
    {
        var first = new DateOnly(day.Year, day.Month, 1);
        return [.. Enumerable.Range(0, DateTime.DaysInMonth(day.Year, day.Month)).SelectMany(i => ShipmentsOf(first.AddDays(i)))];
    }

    /// <summary>The state at the day's start, then every loading start and completion of the day.</summary>
    public IReadOnlyList<TelemetryItem> StatesOf(DateOnly day)
    {
        var (start, end) = Line.DayBounds(day);
        var seq = DayTimeline.DayNumber(day) + Schedule.StartsBefore(start) + Schedule.CompletionsBefore(start);
        var loading = Schedule.LoadingAt(start);
        var items = new List<TelemetryItem>
        {
            new StateItem(Line, $"{Line.LineId}-{Ids.For(start)}-s{seq}", seq, start, loading is null ? LineState.Idle : LineState.Running, loading is null ? Waiting : $"{Loading} → {loading.To}"),
        };
        var changes = Schedule.Around(start, end)
            .SelectMany(v => new[] { (At: v.StartMs, State: LineState.Running, Reason: $"{Loading} → {v.To}"), (At: v.CompletionMs, State: LineState.Idle, Reason: Waiting) })
            .Where(c => c.At >= start && c.At < end)
            .OrderBy(c => c.At);
        foreach (var (at, state, reason) in changes)
        {
            seq++;
            items.Add(new StateItem(Line, $"{Line.LineId}-{Ids.For(at)}-s{seq}", seq, at, state, reason));
        }

        return items;
    }

    internal override IReadOnlyList<SensorValue> SensorValues(long ms, ref SimRandom rng)
    {
        var wind = new SensorValue("wind_m_s", Math.Round(Math.Max(0, 6 + (2.5 * rng.NextGaussian())), 1));
        if (Schedule.LoadingAt(ms) is not { } vessel)
        {
            return [new("loader_rate_tph", 0), wind];
        }

        var fill = (double)(ms - vessel.StartMs) / (vessel.CompletionMs - vessel.StartMs);
        var rate = vessel.Tons / ((vessel.CompletionMs - vessel.StartMs) / 3_600_000.0);
        return
        [
            new("loader_rate_tph", Math.Round(rate * (1 + (0.08 * rng.NextGaussian())), 0)),
            new("hold_fill_pct", Math.Round(100 * fill, 1)),
            new("draft_m", Math.Round(8 + (9.5 * fill), 2)),
            wind,
        ];
    }
}
