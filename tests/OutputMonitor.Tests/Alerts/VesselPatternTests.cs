using OutputMonitor.Alerts;
using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Simulator.Model;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Tests.Alerts;

/// <summary>
/// The simulator's own vessel pattern for the demo's boke-vessel line (50–60 kt a vessel, a month
/// shipping 86–94 % of its 1 Mt plan, never ahead of its pace), through the shortfall rule with the
/// line's registry settings (month period, tolerance 0.10, grace 30 min) for every month of 2026,
/// evaluated every 10 minutes as the reminder would. Lumpy loads must not flap.
/// </summary>
public class VesselPatternTests
{
    private static readonly RegistryDocument Demo = RegistryJson.LoadDemo();
    private static readonly TimeZoneInfo Shanghai = PlantCalendar.GetZone("Asia/Shanghai");

    [Theory]
    [InlineData(PlanPeriods.Month, 1)]
    [InlineData(PlanPeriods.Day, 5)]
    public void Each_month_raises_at_most_once_by_the_month_while_the_day_period_would_flap(string period, int monthlyLimit)
    {
        var line = Demo.Enterprises.Single(e => e.Id == "hnic").Lines.Single(l => l.Id == "boke-vessel");
        var settings = EffectiveAlertSettings.Resolve(line.Alerts! with { ShortfallPeriod = period }, null);
        var vessel = (VesselLineSimulation)TelemetryModel.ForLine(Demo, "hnic", "boke-vessel", 2026);
        var worstMonth = 0;
        for (var month = 1; month <= 12; month++)
        {
            var first = new DateOnly(2026, month, 1);
            var start = PlantCalendar.DayStart(first, Shanghai);
            var end = PlantCalendar.DayStart(first.AddMonths(1), Shanghai);
            var shipments = vessel.ShipmentsOfMonth(first).OrderBy(s => s.TimestampMs).ToList();
            Assert.InRange(shipments.Count, 12, 20);

            var buckets = new BucketSet();
            var next = 0;
            var (open, raises) = (false, 0);
            for (var now = start.AddMinutes(10); now <= end; now = now.AddMinutes(10))
            {
                for (; next < shipments.Count && shipments[next].TimestampMs <= now.ToUnixTimeMilliseconds(); next++)
                {
                    var at = shipments[next].TimestampMs;
                    buckets.Add(at, PlantCalendar.LocalDate(at, Shanghai).DayNumber, new Totals(0, 0, (decimal)shipments[next].Tons, 0m));
                }

                var reading = ShortfallRule.Evaluate(
                    buckets, ShortfallFigure.Tons, day => ShortfallRule.PeriodPlan(line.Plan, ShortfallFigure.Tons, period, day), settings, Shanghai, now, start);
                var firing = open ? reading?.Breached == true : reading?.HeldThroughGrace == true;
                raises += firing && !open ? 1 : 0;
                open = firing;
            }

            worstMonth = Math.Max(worstMonth, raises);
        }

        if (period == PlanPeriods.Month)
        {
            Assert.InRange(worstMonth, 0, monthlyLimit);
        }
        else
        {
            // The control: the same loads measured by the day raise and clear again and again.
            Assert.True(worstMonth > monthlyLimit, $"the day period raised at most {worstMonth} alerts in a month");
        }
    }
}
