using OutputMonitor.Registry;

namespace OutputMonitor.Tests.Simulator;

/// <summary>
/// Issue 5's shortfall rule, written again for the simulator's tests and independent of the grains:
/// per line and plan period in plant-local time (<c>alerts.shortfallPeriod</c>, default day),
/// expected = periodPlan × elapsed fraction of the period, actual = tons (or good units) since the
/// period's start by event time; the condition is expected − actual &gt; tolerance × periodPlan, and
/// the alert is raised when it has held at every minute of the last <c>graceMinutes</c>.
/// periodPlan is the plan's own figure for the period when given, else the daily plan × the period's days.
/// </summary>
public sealed class ShortfallRule
{
    public const long MinuteMs = 60_000;

    private readonly PlanDefinition _plan;

    private ShortfallRule(LineDefinition line, AlertSettings? enterpriseAlerts, TimeZoneInfo zone)
    {
        _plan = line.Plan ?? throw new ArgumentException($"{line.Id} has no plan");
        Period = line.Alerts?.ShortfallPeriod ?? enterpriseAlerts?.ShortfallPeriod ?? PlanPeriods.Day;
        Tolerance = line.Alerts?.ShortfallTolerance ?? enterpriseAlerts?.ShortfallTolerance ?? 0.10;
        GraceMinutes = line.Alerts?.GraceMinutes ?? enterpriseAlerts?.GraceMinutes ?? 30;
        Zone = zone;
    }

    public string Period { get; }

    public double Tolerance { get; }

    public int GraceMinutes { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The rule of a registry line (its settings, else its enterprise's, else the defaults; the zone inherited from its region).</summary>
    public static ShortfallRule For(RegistryDocument registry, string enterpriseId, string lineId)
    {
        var enterprise = registry.Enterprises.Single(e => e.Id == enterpriseId);
        var zone = Time(registry, enterprise.Region);
        return new ShortfallRule(enterprise.Lines.Single(l => l.Id == lineId), enterprise.Alerts, zone);
    }

    /// <summary>The plant-local days of the period containing <paramref name="day"/>: [first, end).</summary>
    public (DateOnly First, DateOnly End) PeriodOf(DateOnly day) => (PlantCalendar.PeriodStart(Period, day), PlantCalendar.PeriodEnd(Period, day));

    public double PeriodPlan(DateOnly day)
    {
        var (first, end) = PeriodOf(day);
        var own = Period switch
        {
            PlanPeriods.Day => (double?)_plan.TonsPerDay ?? _plan.GoodPerDay,
            PlanPeriods.Week => (double?)_plan.TonsPerWeek ?? _plan.GoodPerWeek,
            PlanPeriods.Month => (double?)_plan.TonsPerMonth ?? _plan.GoodPerMonth,
            _ => (double?)_plan.TonsPerYear ?? _plan.GoodPerYear,
        };
        var daily = (double?)_plan.TonsPerDay ?? _plan.GoodPerDay ?? throw new ArgumentException("no daily plan to add up");
        return own ?? daily * (end.DayNumber - first.DayNumber);
    }

    /// <summary>
    /// The period containing <paramref name="day"/>, minute by minute: at the end of minute k
    /// (<c>StartMs + (k + 1) min</c>), what was expected and shipped, whether the condition held and
    /// whether the alert is up. <paramref name="items"/> are (event time, tons or good units); those
    /// outside the period are ignored.
    /// </summary>
    public PeriodEvaluation Evaluate(DateOnly day, IEnumerable<(long TimestampMs, double Amount)> items)
    {
        var (first, end) = PeriodOf(day);
        var (startMs, endMs) = (PlantCalendar.DayStart(first, Zone).ToUnixTimeMilliseconds(), PlantCalendar.DayStart(end, Zone).ToUnixTimeMilliseconds());
        var plan = PeriodPlan(day);
        var sorted = items.Where(i => i.TimestampMs >= startMs && i.TimestampMs < endMs).OrderBy(i => i.TimestampMs).ToList();
        var minutes = (int)((endMs - startMs) / MinuteMs);
        var evaluation = new PeriodEvaluation(startMs, endMs, plan, new double[minutes], new double[minutes], new bool[minutes], new bool[minutes]);
        var (next, actual, heldFor) = (0, 0.0, 0);
        for (var k = 0; k < minutes; k++)
        {
            var t = startMs + ((k + 1) * MinuteMs);
            for (; next < sorted.Count && sorted[next].TimestampMs < t; next++)
            {
                actual += sorted[next].Amount;
            }

            var expected = plan * (t - startMs) / (endMs - startMs);
            var holds = expected - actual > Tolerance * plan;
            heldFor = holds ? heldFor + 1 : 0;
            (evaluation.Expected[k], evaluation.Actual[k], evaluation.Holds[k]) = (expected, actual, holds);

            // Held at every minute of the last graceMinutes: at this minute's end and the grace's worth before it.
            evaluation.Raised[k] = heldFor > GraceMinutes;
        }

        return evaluation;
    }

    private static TimeZoneInfo Time(RegistryDocument registry, string? regionId)
    {
        for (var region = registry.Regions.SingleOrDefault(r => r.Id == regionId); region is not null; region = registry.Regions.SingleOrDefault(r => r.Id == region.Parent))
        {
            if (region.TimeZone is not null)
            {
                return PlantCalendar.GetZone(region.TimeZone);
            }
        }

        return PlantCalendar.GetZone(PlantCalendar.DefaultTimeZone);
    }
}

/// <summary>One plan period of one line, per minute (index k is the minute ending at <c>StartMs + (k + 1) min</c>).</summary>
public sealed record PeriodEvaluation(long StartMs, long EndMs, double Plan, double[] Expected, double[] Actual, bool[] Holds, bool[] Raised)
{
    /// <summary>How far into the period the alert is up for good (up at every minute from there to the period's end); null if it is not up at the end.</summary>
    public TimeSpan? RaisedToTheEndFrom()
    {
        var k = Raised.Length;
        while (k > 0 && Raised[k - 1])
        {
            k--;
        }

        return k == Raised.Length ? null : TimeSpan.FromMinutes(k + 1);
    }

    /// <summary>The minutes the alert was up before <see cref="RaisedToTheEndFrom"/> (it came and went).</summary>
    public int RaisedEarlierMinutes() => Raised.Take((int)(RaisedToTheEndFrom() ?? TimeSpan.FromMinutes(Raised.Length + 1)).TotalMinutes - 1).Count(r => r);
}
