using OutputMonitor.Registry;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Rollup;

/// <summary>Plan and OEE arithmetic shared by lines and enterprises.</summary>
public static class PlanMath
{
    /// <summary>
    /// The daily plan of a line on <paramref name="day"/>: the per-day figure when given, else the
    /// week, month or year figure spread evenly over its days.
    /// </summary>
    public static GoodAndTons PerDay(PlanDefinition? plan, DateOnly day)
    {
        if (plan is null)
        {
            return default;
        }

        var daysInMonth = DateTime.DaysInMonth(day.Year, day.Month);
        var daysInYear = DateTime.IsLeapYear(day.Year) ? 366 : 365;
        var good = plan.GoodPerDay
            ?? (plan.GoodPerWeek is { } w ? (long?)Math.Round(w / 7m) : null)
            ?? (plan.GoodPerMonth is { } m ? (long?)Math.Round((decimal)m / daysInMonth) : null)
            ?? (plan.GoodPerYear is { } y ? (long)Math.Round((decimal)y / daysInYear) : 0);
        var tons = plan.TonsPerDay
            ?? (plan.TonsPerWeek / 7m)
            ?? (plan.TonsPerMonth / daysInMonth)
            ?? (plan.TonsPerYear / daysInYear)
            ?? 0m;
        return new GoodAndTons(good, Math.Round(tons, 3));
    }

    /// <summary>
    /// OEE over a period: availability = running / planned time (elapsed less maintenance),
    /// performance = (good + scrap) / ideal output in the running time, quality = good / (good + scrap).
    /// Sums over several lines give the enterprise figure weighted by planned time.
    /// </summary>
    public static OeeFigures Oee(double runningSeconds, double plannedSeconds, double idealUnitsInRunningTime, long good, long scrap)
    {
        var availability = plannedSeconds > 0 ? Math.Clamp(runningSeconds / plannedSeconds, 0, 1) : 0;
        var performance = idealUnitsInRunningTime > 0 ? (good + scrap) / idealUnitsInRunningTime : 0;
        var quality = good + scrap > 0 ? (double)good / (good + scrap) : 0;
        return new OeeFigures(Round(availability), Round(performance), Round(quality), Round(availability * performance * quality));

        static double Round(double value) => Math.Round(value, 4);
    }
}
