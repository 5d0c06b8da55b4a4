using System.Globalization;
using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Alerts;

/// <summary>The alert settings in force for one line or enterprise: its own, else its enterprise's, else the spec's defaults.</summary>
public sealed record EffectiveAlertSettings(string Period, double Tolerance, TimeSpan Grace, TimeSpan StaleAfter)
{
    public static readonly EffectiveAlertSettings Defaults = new(PlanPeriods.Day, 0.10, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(15));

    /// <summary>Field by field: a line may override only its grace and keep its enterprise's period.</summary>
    public static EffectiveAlertSettings Resolve(AlertSettings? own, AlertSettings? enterprise) => new(
        own?.ShortfallPeriod ?? enterprise?.ShortfallPeriod ?? Defaults.Period,
        own?.ShortfallTolerance ?? enterprise?.ShortfallTolerance ?? Defaults.Tolerance,
        TimeSpan.FromMinutes(own?.GraceMinutes ?? enterprise?.GraceMinutes ?? Defaults.Grace.TotalMinutes),
        TimeSpan.FromMinutes(own?.StaleAfterMinutes ?? enterprise?.StaleAfterMinutes ?? Defaults.StaleAfter.TotalMinutes));
}

/// <summary>
/// A rule's verdict at one evaluation. <see cref="Holding"/>: the condition holds now (an open
/// alert stays open); <see cref="Raise"/>: it has held through the grace (a new alert may be raised).
/// </summary>
public sealed record AlertCondition(string Kind, string Severity, bool Holding, bool Raise, string Message, AlertDetails Details);

public static class AlertKinds
{
    public const string ShipmentShortfall = "shipment_shortfall";
    public const string OutputShortfall = "output_shortfall";
    public const string Stale = "stale";
    public const string Down = "down";
}

public static class AlertSeverities
{
    public const string Warning = "warning";
    public const string Critical = "critical";
}

/// <summary>What a shortfall rule measures: units (production) or tons (shipment), and the period's plan of it.</summary>
public enum ShortfallFigure
{
    Good,
    Tons,
}

/// <summary>
/// Shortfall against plan: actual since the period began (plant-local day, week from Monday, month,
/// year) against the plan's pro-rata pace. The deficit (expected by now − actual) must exceed the
/// tolerance times the period's plan; a fraction of the whole plan rather than of the pace so far,
/// so that lumpy shipments (a 55 kt vessel every couple of days on a 1 Mt month) do not flap
/// early in the period, where the pace so far is small. Evaluated in event time on the scope's
/// buckets: the condition must have held at every minute of the grace, so data that arrives late
/// (or a restart) counts as it happened, not as it was observed.
/// </summary>
public static class ShortfallRule
{
    /// <summary>Graces up to this long are checked minute by minute (minute buckets are kept 48 h); longer ones hour by hour.</summary>
    private static readonly TimeSpan MinuteCheckedGrace = TimeSpan.FromHours(24);

    public sealed record Reading(string Period, decimal Actual, decimal Expected, decimal Plan, decimal Projected, bool Breached, bool HeldThroughGrace);

    /// <summary>Null when there is no plan for the figure in the period.</summary>
    /// <param name="knownSince">
    /// Since when the product knows the scope: the earlier of its first data and when its rules
    /// began watching it. A period that began before is judged from then, on the plan's share of
    /// the rest of the period: a line added mid-month, or a fresh start without the month's history,
    /// is not behind for days nobody measured; a line watched all month that shipped nothing is.
    /// </param>
    public static Reading? Evaluate(BucketSet buckets, ShortfallFigure figure, Func<DateOnly, decimal> periodPlan, EffectiveAlertSettings settings, TimeZoneInfo zone, DateTimeOffset now, DateTimeOffset? knownSince = null)
    {
        var today = PlantCalendar.LocalDate(now, zone);
        var firstDay = PlantCalendar.PeriodStart(settings.Period, today);
        var plan = periodPlan(firstDay);
        if (plan <= 0)
        {
            return null;
        }

        var startMs = PlantCalendar.DayStart(firstDay, zone).ToUnixTimeMilliseconds();
        var endMs = PlantCalendar.DayStart(PlantCalendar.PeriodEnd(settings.Period, today), zone).ToUnixTimeMilliseconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        if (knownSince?.ToUnixTimeMilliseconds() is { } known && known > startMs)
        {
            plan = Math.Round(plan * Math.Min(endMs - known, endMs - startMs) / (endMs - startMs), 3);
            startMs = Math.Min(known, nowMs);
        }

        var lengthMs = (decimal)(endMs - startMs);
        var allowed = (decimal)settings.Tolerance * plan;

        var actual = 0m;
        for (var day = firstDay; day <= today; day = day.AddDays(1))
        {
            actual += Of(buckets.Day(day.DayNumber), figure);
        }

        var expected = Expected(nowMs);
        var breached = expected - actual > allowed;
        var fraction = (nowMs - startMs) / lengthMs;
        var projected = fraction > 0 ? actual / fraction : 0m;
        var reading = new Reading(settings.Period, actual, Math.Round(expected, 3), plan, Math.Round(projected, 3), breached, false);
        return breached ? reading with { HeldThroughGrace = HeldSince(nowMs - (long)settings.Grace.TotalMilliseconds) } : reading;

        // Multiplied before divided: exact at whole minutes, where the tolerance's edge is tested.
        decimal Expected(long atMs) => plan * Math.Clamp(atMs - startMs, 0m, lengthMs) / lengthMs;

        // Walks back from now, taking out what happened after each checkpoint: actual as it stood then.
        bool HeldSince(long fromMs)
        {
            if (fromMs < startMs)
            {
                // At the period's start nothing is expected yet: it cannot have held for the whole grace.
                return false;
            }

            var hourly = settings.Grace > MinuteCheckedGrace;
            var step = hourly ? BucketSet.MillisecondsPerHour : BucketSet.MillisecondsPerMinute;
            var slots = hourly ? buckets.Hours : buckets.Minutes;
            var slot = nowMs / step;
            var actualThen = actual;

            // What today holds stamped after now (a device clock ahead of ours) is not part of the past.
            var todayEndMs = PlantCalendar.DayEnd(today, zone).ToUnixTimeMilliseconds();
            foreach (var (key, value) in slots)
            {
                if (key > slot && key * step < todayEndMs)
                {
                    actualThen -= Of(value, figure);
                }
            }

            for (; slot * step >= fromMs; slot--)
            {
                // Checkpoint: the start of this slot, before anything in it happened.
                actualThen -= Of(slots.GetValueOrDefault(slot), figure);
                if (Expected(slot * step) - actualThen <= allowed)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The plan of the period that begins on <paramref name="firstDay"/>: its own figure when the plan gives one, else the sum of its days.</summary>
    public static decimal PeriodPlan(PlanDefinition? plan, ShortfallFigure figure, string period, DateOnly firstDay)
    {
        if (plan is null)
        {
            return 0m;
        }

        decimal? own = (figure, period) switch
        {
            (ShortfallFigure.Good, PlanPeriods.Day) => plan.GoodPerDay,
            (ShortfallFigure.Good, PlanPeriods.Week) => plan.GoodPerWeek,
            (ShortfallFigure.Good, PlanPeriods.Month) => plan.GoodPerMonth,
            (ShortfallFigure.Good, PlanPeriods.Year) => plan.GoodPerYear,
            (ShortfallFigure.Tons, PlanPeriods.Day) => plan.TonsPerDay,
            (ShortfallFigure.Tons, PlanPeriods.Week) => plan.TonsPerWeek,
            (ShortfallFigure.Tons, PlanPeriods.Month) => plan.TonsPerMonth,
            (ShortfallFigure.Tons, PlanPeriods.Year) => plan.TonsPerYear,
            _ => null,
        };
        if (own is { } given)
        {
            return given;
        }

        var sum = 0m;
        var end = PlantCalendar.PeriodEnd(period, firstDay);
        for (var day = firstDay; day < end; day = day.AddDays(1))
        {
            var perDay = PlanMath.PerDay(plan, day);
            sum += figure == ShortfallFigure.Good ? perDay.Good : perDay.Tons;
        }

        return sum;
    }

    /// <summary>The condition for an alert of <paramref name="kind"/> on <paramref name="name"/>.</summary>
    public static AlertCondition Condition(Reading reading, string kind, string name, ShortfallFigure figure) => new(
        kind,
        AlertSeverities.Warning,
        reading.Breached,
        reading.HeldThroughGrace,
        string.Format(
            CultureInfo.InvariantCulture,
            "{0}：{1}累计 {2:N0} {3}，按计划进度应达 {4:N0} {3}（{1}计划 {5:N0} {3}），按当前进度预计 {6:N0} {3}",
            name,
            reading.Period switch { PlanPeriods.Week => "本周", PlanPeriods.Month => "本月", PlanPeriods.Year => "本年", _ => "今日" },
            reading.Actual,
            figure == ShortfallFigure.Tons ? "吨" : "件",
            reading.Expected,
            reading.Plan,
            reading.Projected),
        new AlertDetails { Period = reading.Period, Actual = reading.Actual, Expected = reading.Expected, Plan = reading.Plan, Projected = reading.Projected });

    private static decimal Of(Totals totals, ShortfallFigure figure) => figure == ShortfallFigure.Good ? totals.Good : totals.Tons;
}
