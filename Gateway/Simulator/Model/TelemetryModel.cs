using OutputMonitor.Registry;

namespace OutputMonitor.Simulator.Model;

/// <summary>What a realistic start publishes of the past, before the live steps.</summary>
public enum Backfill
{
    /// <summary>Nothing but each line's current state.</summary>
    None,

    /// <summary>The plant day so far.</summary>
    Day,

    /// <summary>
    /// Each line's alert period so far (its <c>shortfallPeriod</c>: day, week from Monday, month or
    /// year), so that shortfall rules see the whole period at once; never more than
    /// <see cref="TelemetryModel.MaxBackfillDays"/> plant days nor older than
    /// <see cref="TelemetryModel.MaxBackfillAge"/>, which is what the contract accepts.
    /// </summary>
    Period,
}

/// <summary>
/// The realistic telemetry of a registry, as a pure function of (registry, seed, time): every call
/// of <see cref="Advance"/> returns the items with event times up to 'now' not returned before, per
/// line and channel in time order. No clock, no I/O: tests drive it with fake time.
/// </summary>
/// <remarks>
/// Ids and values depend only on the seed and the event's place in time, never on when the model
/// was started: a restarted simulator replays the past with the same ids, which the system counts
/// once (for as long as it remembers ids: 24 h by default). With a backfill, items start at
/// <see cref="BackfillStart"/> (sensors only for the last <see cref="SensorBackfill"/>); without,
/// at <c>start</c>, plus each line's current state.
/// </remarks>
public sealed class TelemetryModel
{
    public static readonly TimeSpan SensorBackfill = TimeSpan.FromMinutes(10);

    /// <summary>A backfill reaches back at most this many plant days, today included.</summary>
    public const int MaxBackfillDays = 7;

    /// <summary>
    /// The oldest event a backfill holds: spec/telemetry.md refuses <c>ts</c> more than 7 days behind
    /// the server clock; the 15 minutes left are the time to publish the backfill.
    /// </summary>
    public static readonly TimeSpan MaxBackfillAge = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(15);

    /// <summary>Ids are computed from this day on; a model starts a backfill's length after it.</summary>
    private static readonly long EarliestStartMs = GridCursor.EpochMs + ((MaxBackfillDays + 1) * 86_400_000L);

    private readonly LineSimulation[] _simulations;

    /// <param name="acceleratedIdTag">For time acceleration: the id tag of events after <paramref name="start"/> (else the seed).</param>
    public TelemetryModel(RegistryDocument registry, int seed, DateTimeOffset start, Backfill backfill, string? acceleratedIdTag = null)
        : this(SimLine.FromRegistry(registry, seed), seed, start, backfill, acceleratedIdTag)
    {
    }

    public TelemetryModel(IReadOnlyList<SimLine> lines, int seed, DateTimeOffset start, Backfill backfill, string? acceleratedIdTag = null)
    {
        var startMs = CheckStart(start);
        Seed = seed;
        Ids = new IdTags(seed.ToString(), acceleratedIdTag, startMs);
        _simulations = new LineSimulation[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var emitFrom = BackfillStart(line, startMs, backfill);
            var sensorsFrom = backfill == Backfill.None ? startMs : Math.Max(emitFrom, startMs - (long)SensorBackfill.TotalMilliseconds);

            // A backfill starts at a plant day's start, with the state reported there, or (cut to the
            // contract's 7 days) later on, where the state that began before would be too old to send.
            _simulations[i] = Create(line, seed, Ids, new EmitFrom(emitFrom, sensorsFrom, CurrentState: backfill == Backfill.None));
            EmitsFromMs = Math.Min(EmitsFromMs, emitFrom);
        }
    }

    public int Seed { get; }

    public IdTags Ids { get; }

    public IReadOnlyList<LineSimulation> Simulations => _simulations;

    /// <summary>The earliest event time the model emits (the earliest backfill start).</summary>
    public long EmitsFromMs { get; } = long.MaxValue;

    /// <summary>Where a line's items start for a model started at <paramref name="startMs"/> (see <see cref="Backfill"/>).</summary>
    public static long BackfillStart(SimLine line, long startMs, Backfill backfill)
    {
        var (today, dayStart, _) = line.DayOf(startMs);
        if (backfill != Backfill.Period)
        {
            return backfill == Backfill.None ? startMs : dayStart;
        }

        var period = line.Definition.Alerts?.ShortfallPeriod ?? line.Enterprise.Alerts?.ShortfallPeriod ?? PlanPeriods.Day;
        var periodStart = line.DayBounds(PlantCalendar.PeriodStart(period, today)).StartMs;
        var horizon = Math.Max(line.DayBounds(today.AddDays(1 - MaxBackfillDays)).StartMs, startMs - (long)MaxBackfillAge.TotalMilliseconds);
        return Math.Max(periodStart, horizon);
    }

    /// <summary>
    /// The items one line publishes with event times in [<paramref name="from"/>, <paramref name="to"/>),
    /// every channel, with the ids and values of a live run with the same seed: a test can feed the
    /// simulator's telemetry to a grain without MQTT (<see cref="TelemetryItem.ToReading"/>).
    /// </summary>
    /// <example>
    /// A week of the demo's lagging rail line (wagon shortage), as the gateway would hand it to the line grain:
    /// <code>
    /// var items = TelemetryModel.Replay(RegistryJson.LoadDemo(), "hnic", "boke-rail", seed: 2026,
    ///     new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 3, 23, 0, 0, 0, TimeSpan.FromHours(8)));
    /// await grain.IngestAsync([.. items.Select(i => i.ToReading())]);
    /// </code>
    /// For vessel completions month by month, see <see cref="VesselLineSimulation.ShipmentsOfMonth"/>.
    /// </example>
    public static List<TelemetryItem> Replay(RegistryDocument registry, string enterpriseId, string lineId, int seed, DateTimeOffset from, DateTimeOffset to)
    {
        var (fromMs, toMs) = (CheckStart(from), to.ToUnixTimeMilliseconds());
        var simulation = Create(FindLine(registry, enterpriseId, lineId, seed), seed, new IdTags(seed.ToString()), new EmitFrom(fromMs, fromMs, CurrentState: false));
        var items = new List<TelemetryItem>();
        simulation.Advance(toMs - 1, items);
        return items;
    }

    /// <summary>One line's simulation on its own, to compute its days or months directly (no cursor is advanced).</summary>
    public static LineSimulation ForLine(RegistryDocument registry, string enterpriseId, string lineId, int seed) =>
        Create(FindLine(registry, enterpriseId, lineId, seed), seed, new IdTags(seed.ToString()), new EmitFrom(EarliestStartMs, EarliestStartMs, CurrentState: false));

    public void Advance(DateTimeOffset now, List<TelemetryItem> sink) => Advance(now.ToUnixTimeMilliseconds(), sink);

    public void Advance(long nowMs, List<TelemetryItem> sink)
    {
        foreach (var simulation in _simulations)
        {
            simulation.Advance(nowMs, sink);
        }
    }

    public LineSimulation? Find(string enterpriseId, string lineId) =>
        _simulations.FirstOrDefault(s => s.Line.EnterpriseId == enterpriseId && s.Line.LineId == lineId);

    private static LineSimulation Create(SimLine line, int seed, IdTags ids, EmitFrom from) =>
        LineProfile.Categorize(line.Enterprise, line.Definition) == LineCategory.Vessel
            ? new VesselLineSimulation(line, seed, ids, from)
            : new ShiftLineSimulation(line, seed, ids, from);

    private static SimLine FindLine(RegistryDocument registry, string enterpriseId, string lineId, int seed) =>
        SimLine.FromRegistry(registry, seed).FirstOrDefault(l => l.EnterpriseId == enterpriseId && l.LineId == lineId)
            ?? throw new ArgumentException($"the registry has no line {enterpriseId}/{lineId}", nameof(lineId));

    private static long CheckStart(DateTimeOffset start)
    {
        var startMs = start.ToUnixTimeMilliseconds();
        return startMs >= EarliestStartMs
            ? startMs
            : throw new ArgumentOutOfRangeException(nameof(start), start, $"the simulation runs from {DateTimeOffset.FromUnixTimeMilliseconds(EarliestStartMs):yyyy-MM-dd} on");
    }
}
