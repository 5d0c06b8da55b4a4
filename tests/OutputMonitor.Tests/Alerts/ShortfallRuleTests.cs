using OutputMonitor.Alerts;
using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Tests.Alerts;

/// <summary>The shortfall rule's arithmetic on bucket sets, at fixed instants: pace, tolerance, grace, projection, periods.</summary>
public class ShortfallRuleTests
{
    private static readonly TimeZoneInfo Shanghai = PlantCalendar.GetZone("Asia/Shanghai");
    private static readonly TimeZoneInfo Berlin = PlantCalendar.GetZone("Europe/Berlin");

    private static EffectiveAlertSettings Settings(string period, double tolerance = 0.10, int graceMinutes = 30) =>
        new(period, tolerance, TimeSpan.FromMinutes(graceMinutes), TimeSpan.FromMinutes(15));

    private static void Ship(BucketSet buckets, DateTimeOffset at, decimal tons, TimeZoneInfo zone) =>
        buckets.Add(at.ToUnixTimeMilliseconds(), PlantCalendar.LocalDate(at, zone).DayNumber, new Totals(0, 0, tons, 0m));

    private static void Make(BucketSet buckets, DateTimeOffset at, long good, TimeZoneInfo zone) =>
        buckets.Add(at.ToUnixTimeMilliseconds(), PlantCalendar.LocalDate(at, zone).DayNumber, new Totals(good, 0, 0m, 0m));

    private static ShortfallRule.Reading? Tons(BucketSet buckets, decimal plan, EffectiveAlertSettings settings, DateTimeOffset now, TimeZoneInfo? zone = null) =>
        ShortfallRule.Evaluate(buckets, ShortfallFigure.Tons, _ => plan, settings, zone ?? Shanghai, now);

    [Fact]
    public void The_spec_example_month_is_in_shortfall_with_the_projection_at_the_current_pace()
    {
        // November 2026 has 30 days: 72 % of it is 21.6 days, i.e. Nov 22 14:24 in Shanghai.
        var now = new DateTimeOffset(2026, 11, 22, 14, 24, 0, TimeSpan.FromHours(8));
        var buckets = new BucketSet();
        Ship(buckets, new DateTimeOffset(2026, 11, 10, 8, 0, 0, TimeSpan.FromHours(8)), 610_000m, Shanghai);

        var reading = Tons(buckets, 1_000_000m, Settings(PlanPeriods.Month), now)!;

        Assert.Equal(("month", 610_000m, 720_000m, 1_000_000m), (reading.Period, reading.Actual, reading.Expected, reading.Plan));
        Assert.Equal(Math.Round(610_000m / 0.72m, 3), reading.Projected);
        Assert.True(reading.Breached);
        Assert.True(reading.HeldThroughGrace);
    }

    [Theory]
    [InlineData(630_000, true)] // 90 kt behind: 9 % of the plan
    [InlineData(620_000, true)] // exactly the tolerance: not more than it
    [InlineData(619_999, false)]
    public void The_tolerance_is_a_share_of_the_period_plan_and_must_be_exceeded(int shipped, bool withinTolerance)
    {
        var now = new DateTimeOffset(2026, 11, 22, 14, 24, 0, TimeSpan.FromHours(8));
        var buckets = new BucketSet();
        Ship(buckets, new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.FromHours(8)), shipped, Shanghai);

        Assert.Equal(!withinTolerance, Tons(buckets, 1_000_000m, Settings(PlanPeriods.Month), now)!.Breached);
    }

    [Fact]
    public void The_breach_must_hold_at_every_minute_of_the_grace_in_event_time()
    {
        // 2,400 units a day (100 an hour), tolerance 240 units: a line making 100 an hour until
        // 10:00 and nothing after falls more than 240 behind the pace after 12:24.
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(8));
        var buckets = new BucketSet();
        for (var hour = 0; hour < 10; hour++)
        {
            Make(buckets, day.AddHours(hour).AddMinutes(30), 100, Shanghai);
        }

        var settings = Settings(PlanPeriods.Day);
        ShortfallRule.Reading? At(int hour, int minute) =>
            ShortfallRule.Evaluate(buckets, ShortfallFigure.Good, _ => 2400m, settings, Shanghai, day.AddHours(hour).AddMinutes(minute));

        Assert.False(At(12, 24)!.Breached);
        Assert.Equal((true, false), (At(12, 25)!.Breached, At(12, 25)!.HeldThroughGrace));
        Assert.False(At(12, 54)!.HeldThroughGrace); // 12:24 is within the grace and was not behind yet
        Assert.True(At(12, 55)!.HeldThroughGrace);

        // A late reading of 11:00 puts the line back within tolerance until 13:24: grace starts over.
        Make(buckets, day.AddHours(11), 100, Shanghai);
        Assert.False(At(12, 55)!.Breached);
        Assert.False(At(13, 50)!.HeldThroughGrace);
        Assert.True(At(13, 55)!.HeldThroughGrace);
    }

    [Fact]
    public void Readings_stamped_ahead_of_now_do_not_rewrite_the_past_during_the_grace()
    {
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(8));
        var buckets = new BucketSet();
        Make(buckets, day.AddHours(1), 1000, Shanghai);
        Make(buckets, day.AddHours(23), 150, Shanghai); // a device clock ahead of ours

        // At 14:10, 1,150 against 1,416.7 expected; at 13:40, 1,000 (the 150 had not happened) against 1,366.7.
        var reading = ShortfallRule.Evaluate(buckets, ShortfallFigure.Good, _ => 2400m, Settings(PlanPeriods.Day), Shanghai, day.AddHours(14).AddMinutes(10))!;

        Assert.Equal(1150m, reading.Actual);
        Assert.True(reading.HeldThroughGrace);
    }

    [Fact]
    public void A_new_period_starts_from_nothing_and_cannot_hold_through_the_grace_in_its_first_minutes()
    {
        var buckets = new BucketSet();
        var lastMinuteOfJanuary = new DateTimeOffset(2027, 1, 31, 23, 59, 0, TimeSpan.FromHours(8));
        Ship(buckets, new DateTimeOffset(2027, 1, 5, 0, 0, 0, TimeSpan.FromHours(8)), 500_000m, Shanghai);

        var january = Tons(buckets, 1_000_000m, Settings(PlanPeriods.Month), lastMinuteOfJanuary)!;
        Assert.True(january.HeldThroughGrace);
        Assert.InRange(january.Projected, 500_000m, 500_100m);

        var february = Tons(buckets, 1_000_000m, Settings(PlanPeriods.Month), lastMinuteOfJanuary.AddMinutes(2))!;
        Assert.Equal((0m, false), (february.Actual, february.Breached));
        Assert.Equal(Math.Round(1_000_000m * 60_000 / (28m * 86_400_000), 3), february.Expected);
    }

    [Fact]
    public void The_year_rolls_over_at_local_midnight_on_new_years_eve()
    {
        var buckets = new BucketSet();
        Ship(buckets, new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.FromHours(8)), 7m, Shanghai);

        Assert.Equal(7m, Tons(buckets, 12_000_000m, Settings(PlanPeriods.Year), new DateTimeOffset(2026, 12, 31, 23, 59, 0, TimeSpan.FromHours(8)))!.Actual);
        Assert.Equal(0m, Tons(buckets, 12_000_000m, Settings(PlanPeriods.Year), new DateTimeOffset(2027, 1, 1, 0, 1, 0, TimeSpan.FromHours(8)))!.Actual);
    }

    [Fact]
    public void The_pace_on_a_23_hour_day_counts_real_hours()
    {
        // Berlin, 2026-03-29: midnight to noon is 11 hours (02:00 jumps to 03:00) of a 23-hour day.
        var noon = new DateTimeOffset(2026, 3, 29, 12, 0, 0, TimeSpan.FromHours(2));
        var reading = Tons(new BucketSet(), 2300m, Settings(PlanPeriods.Day), noon, Berlin)!;

        Assert.Equal(1100m, reading.Expected);
    }

    [Fact]
    public void The_week_begins_on_monday_in_plant_time()
    {
        // 2026-11-23 is a Monday; Sunday 23:30 local belongs to the week before.
        var buckets = new BucketSet();
        Ship(buckets, new DateTimeOffset(2026, 11, 22, 23, 30, 0, TimeSpan.FromHours(8)), 100m, Shanghai);
        Ship(buckets, new DateTimeOffset(2026, 11, 23, 0, 30, 0, TimeSpan.FromHours(8)), 10m, Shanghai);

        var reading = Tons(buckets, 7000m, Settings(PlanPeriods.Week), new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(8)))!;

        Assert.Equal((10m, 1000m), (reading.Actual, reading.Expected));
    }

    [Theory]
    [InlineData(90_000, true)]
    [InlineData(120_000, false)]
    public void A_period_begun_before_the_line_was_known_is_judged_from_then_on_the_plans_share(int shipped, bool breached)
    {
        // 1 Mt in November (30 days); known only since Nov 21: 10 days, 333,333.333 t of it. By Nov 25
        // 00:00, 4 of those days have passed: 133,333.333 expected, 33,333.333 allowed behind.
        var knownSince = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.FromHours(8));
        var buckets = new BucketSet();
        Ship(buckets, knownSince.AddDays(1), shipped, Shanghai);

        var reading = ShortfallRule.Evaluate(buckets, ShortfallFigure.Tons, _ => 1_000_000m, Settings(PlanPeriods.Month), Shanghai, knownSince.AddDays(4), knownSince)!;

        Assert.Equal((333_333.333m, 133_333.333m, breached), (reading.Plan, reading.Expected, reading.Breached));
        Assert.Equal(Math.Round(shipped * 2.5m, 3), reading.Projected);
    }

    [Fact]
    public void A_line_watched_since_before_the_period_that_shipped_nothing_is_behind_by_the_whole_pace()
    {
        var now = new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
        var reading = ShortfallRule.Evaluate(new BucketSet(), ShortfallFigure.Tons, _ => 1_000_000m, Settings(PlanPeriods.Month), Shanghai, now, now.AddDays(-41))!;

        Assert.Equal((1_000_000m, Math.Round(1_000_000m / 3, 3), true), (reading.Plan, reading.Expected, reading.HeldThroughGrace));
    }

    [Fact]
    public void No_plan_means_no_reading()
    {
        Assert.Null(Tons(new BucketSet(), 0m, Settings(PlanPeriods.Day), DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_period_plan_is_the_plans_own_figure_else_the_sum_of_its_days()
    {
        var plan = new PlanDefinition { TonsPerDay = 100m, TonsPerMonth = 2_000m, GoodPerYear = 36_500 };
        var february = new DateOnly(2027, 2, 1);

        Assert.Equal(2_000m, ShortfallRule.PeriodPlan(plan, ShortfallFigure.Tons, PlanPeriods.Month, february));
        Assert.Equal(700m, ShortfallRule.PeriodPlan(plan, ShortfallFigure.Tons, PlanPeriods.Week, new DateOnly(2027, 2, 1)));
        Assert.Equal(36_500m, ShortfallRule.PeriodPlan(plan, ShortfallFigure.Good, PlanPeriods.Year, new DateOnly(2027, 1, 1)));
        Assert.Equal(2_800m, ShortfallRule.PeriodPlan(plan, ShortfallFigure.Good, PlanPeriods.Month, february)); // 100 a day, 28 days
        Assert.Equal(0m, ShortfallRule.PeriodPlan(null, ShortfallFigure.Good, PlanPeriods.Day, february));
    }

    [Fact]
    public void Settings_are_taken_field_by_field_from_the_line_then_the_enterprise_then_the_defaults()
    {
        var settings = EffectiveAlertSettings.Resolve(
            new AlertSettings { GraceMinutes = 5 },
            new AlertSettings { ShortfallPeriod = PlanPeriods.Month, GraceMinutes = 60, StaleAfterMinutes = 240 });

        Assert.Equal(new EffectiveAlertSettings(PlanPeriods.Month, 0.10, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(240)), settings);
        Assert.Equal(EffectiveAlertSettings.Defaults, EffectiveAlertSettings.Resolve(null, null));
        Assert.Equal(("day", 0.10, 30.0, 15.0), (EffectiveAlertSettings.Defaults.Period, EffectiveAlertSettings.Defaults.Tolerance, EffectiveAlertSettings.Defaults.Grace.TotalMinutes, EffectiveAlertSettings.Defaults.StaleAfter.TotalMinutes));
    }

    /// <summary>
    /// A vessel line at its plan's pace ships in lumps (55 kt every 1.65 days against 1 Mt a month).
    /// Measured by the month, with the default tolerance and grace, that is never a shortfall;
    /// measured by the day (the control), most days without a vessel are.
    /// </summary>
    [Theory]
    [InlineData(PlanPeriods.Month, 0, 0)]
    [InlineData(PlanPeriods.Day, 5, 31)]
    public void Lumpy_vessel_loads_at_pace_do_not_flap_over_a_month(string period, int minRaises, int maxRaises)
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var monthPlan = 1_000_000m;
        var vessels = Enumerable.Range(1, 18).Select(k => start.AddDays(1.65 * k)).ToList();
        var buckets = new BucketSet();
        var settings = Settings(period);
        var raises = 0;
        var open = false;
        for (var now = start.AddMinutes(10); now < start.AddDays(30); now = now.AddMinutes(10))
        {
            foreach (var vessel in vessels.Where(v => v > now.AddMinutes(-10) && v <= now))
            {
                Ship(buckets, vessel, 55_000m, Shanghai);
            }

            var plan = period == PlanPeriods.Month ? monthPlan : monthPlan / 30;
            var reading = ShortfallRule.Evaluate(buckets, ShortfallFigure.Tons, _ => plan, settings, Shanghai, now);
            var firing = open ? reading?.Breached == true : reading?.HeldThroughGrace == true;
            if (firing && !open)
            {
                raises++;
            }

            open = firing;
        }

        Assert.InRange(raises, minRaises, maxRaises);
    }
}
