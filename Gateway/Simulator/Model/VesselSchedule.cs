namespace OutputMonitor.Simulator.Model;

/// <summary>One vessel: loaded from <see cref="StartMs"/>, completed (and reported as a shipment) at <see cref="CompletionMs"/>.</summary>
public sealed record Vessel(long Index, long StartMs, long CompletionMs, double Tons, string To);

/// <summary>
/// The vessels of a shipment line, planned month by month (plant-local months). A month ships
/// about a drawn 86–94 % of its plan (±half a vessel) in vessels of 50–60 kt, and vessel k completes no earlier than the
/// moment the plan's pro-rata pace reaches the month's total through vessel k: the month-to-date
/// total never runs ahead of the plan pace, and on average ends 5–15 % behind it, so shortfall
/// alerts have something to do. Vessel indexes (the <c>seq</c>) count on from 2020-01.
/// </summary>
public sealed class VesselSchedule
{
    private const long Hour = 3_600_000;
    private readonly SimLine _line;
    private readonly LineProfile _profile;
    private readonly int _seed;
    private readonly Dictionary<int, Month> _months = [];
    private readonly List<long> _firstIndex = [0];

    public VesselSchedule(SimLine line, LineProfile profile, int seed)
    {
        (_line, _profile, _seed) = (line, profile, seed);
    }

    /// <summary>Months since 2020-01 of a plant-local date.</summary>
    public static int MonthNumber(DateOnly day) => ((day.Year - DayTimeline.Epoch.Year) * 12) + day.Month - 1;

    public static DateOnly FirstDay(int month) => DayTimeline.Epoch.AddMonths(month);

    /// <summary>The plan of the plant-local month that contains <paramref name="day"/>, in tons.</summary>
    public double MonthPlan(DateOnly day) => PlanMath.TonsPerMonth(_line.Definition.Plan, DateTime.DaysInMonth(day.Year, day.Month));

    /// <summary>The vessels of the month <paramref name="month"/> (months since 2020-01).</summary>
    public IReadOnlyList<Vessel> VesselsOf(int month) => Get(month).Vessels;

    /// <summary>Every vessel that may start or complete within [from, to) (and a few around it).</summary>
    public IEnumerable<Vessel> Around(long fromMs, long toMs)
    {
        var first = MonthNumber(_line.DayOf(fromMs).Day);
        var last = MonthNumber(_line.DayOf(Math.Max(fromMs, toMs - 1)).Day) + 1;
        for (var month = first; month <= last; month++)
        {
            foreach (var vessel in Get(month).Vessels)
            {
                yield return vessel;
            }
        }
    }

    public Vessel? LoadingAt(long ms) => Around(ms, ms + 1).FirstOrDefault(v => v.StartMs <= ms && ms < v.CompletionMs);

    public long CompletionsBefore(long ms)
    {
        var month = MonthNumber(_line.DayOf(ms).Day);
        return FirstIndex(month) + Get(month).Vessels.Count(v => v.CompletionMs < ms);
    }

    public long StartsBefore(long ms)
    {
        // Vessels of earlier months all started before; one of the next month may already load.
        var month = MonthNumber(_line.DayOf(ms).Day);
        return FirstIndex(month) + Get(month).Vessels.Count(v => v.StartMs < ms) + Get(month + 1).Vessels.Count(v => v.StartMs < ms);
    }

    private long FirstIndex(int month)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(month);
        while (_firstIndex.Count <= month)
        {
            var previous = _firstIndex.Count - 1;
            _firstIndex.Add(_firstIndex[previous] + Raw(previous).Count);
        }

        return _firstIndex[month];
    }

    private Month Get(int month)
    {
        if (_months.TryGetValue(month, out var cached))
        {
            return cached;
        }

        if (_months.Count >= 6)
        {
            _months.Remove(_months.Keys.Min());
        }

        var raw = Raw(month);
        var previous = month > 0 ? Raw(month - 1) : [];
        var lastCompletion = previous.Count > 0 ? previous[^1].CompletionMs : long.MinValue / 2;
        var index = FirstIndex(month);
        var vessels = new List<Vessel>(raw.Count);
        foreach (var (completion, tons, duration, to) in raw)
        {
            var start = Math.Max(completion - duration, lastCompletion + Math.Min(2 * Hour, (completion - lastCompletion) / 2));
            vessels.Add(new Vessel(index++, start, completion, tons, to));
            lastCompletion = completion;
        }

        var result = new Month(vessels);
        _months[month] = result;
        return result;
    }

    /// <summary>A month's vessels before their start times (which depend on the previous vessel).</summary>
    private List<(long CompletionMs, double Tons, long DurationMs, string To)> Raw(int month)
    {
        var firstDay = FirstDay(month);
        var start = PlantCalendar.DayStart(firstDay, _line.Zone).ToUnixTimeMilliseconds();
        var length = PlantCalendar.DayStart(firstDay.AddMonths(1), _line.Zone).ToUnixTimeMilliseconds() - start;
        var plan = MonthPlan(firstDay);
        var rng = SimRandom.At(_seed, _line.KeyHash, Salt.VesselMonth, month);
        var target = plan * rng.Range(_profile.MinRatio, _profile.MaxRatio);
        var (min, max) = (Math.Min(_profile.MinTons, plan * 0.4), Math.Min(_profile.MaxTons, plan * 0.5));
        // A vessel completes a little after the pace reaches it: never ahead of the plan, and
        // (gap = the pace's time for the smallest vessel) always in order and inside the month.
        var gap = min / plan * length;
        var vessels = new List<(long, double, long, string)>();
        var total = 0.0;
        while (plan > 0)
        {
            // The last vessel of the month goes if at least half of it fits under the target.
            var tons = Math.Round(rng.Range(min, max), 1);
            if (total + (tons / 2) > target)
            {
                break;
            }

            total += tons;
            var delay = Math.Min(Hour, 0.05 * gap) + (rng.NextDouble() * Math.Min(12 * Hour, 0.35 * gap));
            var completion = Math.Min(start + length - 60_000, start + (long)(total / plan * length) + (long)delay) / 1000 * 1000;
            var duration = (long)rng.Range(28 * 3600, 40 * 3600) * 1000;
            vessels.Add((completion, tons, duration, rng.Pick(_profile.Destinations)));
        }

        return vessels;
    }

    private sealed record Month(IReadOnlyList<Vessel> Vessels);
}
