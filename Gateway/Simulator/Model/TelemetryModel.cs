using OutputMonitor.Registry;

namespace OutputMonitor.Simulator.Model;

/// <summary>
/// The realistic telemetry of a registry, as a pure function of (registry, seed, time): every call
/// of <see cref="Advance"/> returns the items with event times up to 'now' not returned before, per
/// line and channel in time order. No clock, no I/O: tests drive it with fake time.
/// </summary>
/// <remarks>
/// Ids and values depend only on the seed and the event's place in time, never on when the model
/// was started: a restarted simulator replays the day with the same ids, which the system counts
/// once. With <c>backfill</c>, items start at the plant day's start (sensors only for the last
/// <see cref="SensorBackfill"/>); without it at <c>start</c>, plus each line's current state.
/// </remarks>
public sealed class TelemetryModel
{
    public static readonly TimeSpan SensorBackfill = TimeSpan.FromMinutes(10);

    private readonly LineSimulation[] _simulations;

    /// <param name="acceleratedIdTag">For time acceleration: the id tag of events after <paramref name="start"/> (else the seed).</param>
    public TelemetryModel(RegistryDocument registry, int seed, DateTimeOffset start, bool backfill, string? acceleratedIdTag = null)
        : this(SimLine.FromRegistry(registry, seed), seed, start, backfill, acceleratedIdTag)
    {
    }

    public TelemetryModel(IReadOnlyList<SimLine> lines, int seed, DateTimeOffset start, bool backfill, string? acceleratedIdTag = null)
    {
        var startMs = start.ToUnixTimeMilliseconds();
        if (startMs < GridCursor.EpochMs + (2 * 86_400_000L))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "the simulation runs from 2020-01-03 on");
        }

        Seed = seed;
        Ids = new IdTags(seed.ToString(), acceleratedIdTag, startMs);
        _simulations = new LineSimulation[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var emitFrom = backfill ? line.DayOf(startMs).StartMs : startMs;
            var sensorsFrom = backfill ? Math.Max(emitFrom, startMs - (long)SensorBackfill.TotalMilliseconds) : startMs;
            _simulations[i] = LineProfile.Categorize(line.Enterprise, line.Definition) == LineCategory.Vessel
                ? new VesselLineSimulation(line, seed, Ids, emitFrom, sensorsFrom)
                : new ShiftLineSimulation(line, seed, Ids, emitFrom, sensorsFrom);
            EmitsFromMs = Math.Min(EmitsFromMs, emitFrom);
        }
    }

    public int Seed { get; }

    public IdTags Ids { get; }

    public IReadOnlyList<LineSimulation> Simulations => _simulations;

    /// <summary>The earliest event time the model emits (the earliest plant-day start with backfill).</summary>
    public long EmitsFromMs { get; } = long.MaxValue;

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
}
