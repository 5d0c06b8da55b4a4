using System.Buffers;
using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Registry;
using OutputMonitor.Simulator;
using OutputMonitor.Simulator.Model;

namespace OutputMonitor.Tests.Simulator;

/// <summary>
/// The backfill at start covers each line's alert period so far (the shortfall rules see the whole
/// period at once), with the ids of the live run, and never anything the gateway would refuse.
/// </summary>
public class PeriodBackfillTests
{
    private static readonly RegistryDocument Demo = RegistryJson.LoadDemo();
    private static readonly TimeSpan Plant = TimeSpan.FromHours(8);

    /// <summary>Thursday 15:00: the week began on Monday the 16th, the month on the 1st (more than 7 days back).</summary>
    private static readonly DateTimeOffset Thursday = new(2026, 3, 19, 15, 0, 0, Plant);

    [Fact]
    public void Each_line_is_backfilled_from_its_alert_periods_start_and_the_month_from_7_plant_days_back()
    {
        var items = BackfillItems(Demo, Thursday, new SimulatorOptions());

        var starts = items.GroupBy(i => i.LineKey).ToDictionary(g => g.Key, g => g.Min(i => i.TimestampMs));
        // The demo's weekly lines: the bauxite chain's rail and wharf by their own settings, the
        // two-shift and smelting enterprises' lines by their enterprise's.
        var weekly = Demo.Enterprises
            .SelectMany(e => e.Lines.Where(l => (l.Alerts?.ShortfallPeriod ?? e.Alerts?.ShortfallPeriod) == PlanPeriods.Week).Select(l => $"{e.Id}/{l.Id}"))
            .ToList();
        Assert.Superset(new HashSet<string> { "hnic/boke-rail", "hnic/boke-wharf", "yuguang/ingot-dispatch", "hengtian-jiuda/control-cabinet" }, weekly.ToHashSet());
        Assert.Equal(SimulationRun.RegistryLines(Demo).Order(), starts.Keys.Order());
        foreach (var (line, start) in starts)
        {
            var expected = line switch
            {
                _ when weekly.Contains(line) => new DateTimeOffset(2026, 3, 16, 0, 0, 0, Plant), // Monday
                "hnic/boke-vessel" => new DateTimeOffset(2026, 3, 13, 0, 0, 0, Plant), // month, cut to the 7 plant days the contract takes
                _ => new DateTimeOffset(2026, 3, 19, 0, 0, 0, Plant),
            };
            Assert.True(expected.ToUnixTimeMilliseconds() == start, $"{line}: backfilled from {DateTimeOffset.FromUnixTimeMilliseconds(start).ToOffset(Plant)}, not {expected}");
        }

        // Every line opens its backfill with its state at that moment, and the period's loads are there.
        Assert.All(starts, s => Assert.Contains(items, i => i.LineKey == s.Key && i.Channel == "state" && i.TimestampMs == s.Value));
        Assert.Contains(items, i => i.LineKey == "hnic/boke-rail" && i.Channel == "shipment" && i.TimestampMs < new DateTimeOffset(2026, 3, 17, 0, 0, 0, Plant).ToUnixTimeMilliseconds());
    }

    [Fact]
    public void The_backfill_has_the_ids_and_values_of_the_live_run_and_all_of_its_period()
    {
        // The bauxite chain (daily, weekly and monthly lines) and another weekly line, run live from the earliest backfilled day.
        var yuguang = Demo.Enterprises.Single(e => e.Id == "yuguang");
        var registry = Demo with { Enterprises = [Demo.Enterprises.Single(e => e.Id == "hnic"), yuguang with { Lines = [.. yuguang.Lines.Where(l => l.Id == "ingot-dispatch")] }] };
        var liveFrom = new DateTimeOffset(2026, 3, 13, 0, 0, 0, Plant);
        var live = SimulationRun.Realistic(registry, liveFrom, Thursday - liveFrom, TimeSpan.FromMinutes(30)).CheckedItems(registry);
        var backfill = BackfillItems(registry, Thursday, new SimulatorOptions());
        var from = SimLine.FromRegistry(registry, 2026).ToDictionary(l => l.Key, l => TelemetryModel.BackfillStart(l, Thursday.ToUnixTimeMilliseconds(), Backfill.Period));

        var liveById = live.ToDictionary(i => (i.LineKey, i.Channel, i.Id), i => i.Json.GetRawText());
        Assert.All(backfill, i => Assert.Equal(liveById[(i.LineKey, i.Channel, i.Id)], i.Json.GetRawText()));

        // Sensors go back 10 minutes only; everything else of the period is there.
        var expected = live.Where(i => i.Channel != "sensor" && i.TimestampMs >= from[i.LineKey] && i.TimestampMs <= Thursday.ToUnixTimeMilliseconds()).Select(i => (i.LineKey, i.Channel, i.Id));
        Assert.Equal(expected.Order(), backfill.Where(i => i.Channel != "sensor").Select(i => (i.LineKey, i.Channel, i.Id)).Order());
    }

    [Fact]
    public void After_the_backfill_every_line_has_a_reading_of_the_last_ten_minutes_so_none_starts_stale()
    {
        var items = BackfillItems(Demo, Thursday, new SimulatorOptions());

        var tenMinutesAgo = (Thursday - TelemetryModel.SensorBackfill).ToUnixTimeMilliseconds();
        Assert.All(items.GroupBy(i => i.LineKey), line => Assert.True(line.Max(i => i.TimestampMs) >= tenMinutesAgo, $"{line.Key} has nothing newer than its backfill's older items"));
    }

    [Fact]
    public void Late_on_a_sunday_the_weeks_first_minutes_are_left_out_rather_than_sent_too_old_for_the_gateway()
    {
        var sunday = new DateTimeOffset(2026, 3, 22, 23, 55, 0, Plant);
        var rail = SimLine.FromRegistry(Demo, 2026).Single(l => l.Key == "hnic/boke-rail");

        var start = TelemetryModel.BackfillStart(rail, sunday.ToUnixTimeMilliseconds(), Backfill.Period);

        Assert.Equal((sunday - TelemetryModel.MaxBackfillAge).ToUnixTimeMilliseconds(), start);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 0, 10, 0, Plant), DateTimeOffset.FromUnixTimeMilliseconds(start));

        // Published even a quarter of an hour late, the gateway takes every item, the week's first day's included.
        var session = new RealisticSession(SimulationRun.OnlyEnterprise(Demo, "hnic"), new SimulatorOptions(), sunday);
        var parser = new TelemetryParser(new FakeTimeProvider(sunday + TimeSpan.FromMinutes(15)));
        var railShipments = new List<long>();
        while (session.NextBackfillSlice() is { } slice)
        {
            foreach (var message in slice)
            {
                var parsed = parser.Parse(message.Topic, new ReadOnlySequence<byte>(message.Payload));
                Assert.True(parsed.Rejections.Count == 0, $"{message.Topic}: {string.Join("; ", parsed.Rejections.Select(r => $"{r.Code} {r.Reason} {r.Payload}"))}");
                railShipments.AddRange(message.Topic == rail.Topic(TelemetryChannel.Shipment) ? parsed.Readings.Select(r => r.Timestamp) : []);
            }
        }

        Assert.InRange(railShipments.Min(), start, new DateTimeOffset(2026, 3, 17, 0, 0, 0, Plant).ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Without_BackfillPeriods_every_line_is_backfilled_from_its_plant_days_start_only()
    {
        var items = BackfillItems(Demo, Thursday, new SimulatorOptions { BackfillPeriods = false });

        var dayStart = new DateTimeOffset(2026, 3, 19, 0, 0, 0, Plant).ToUnixTimeMilliseconds();
        Assert.All(items.GroupBy(i => i.LineKey), line => Assert.Equal(dayStart, line.Min(i => i.TimestampMs)));
    }

    /// <summary>Every item of the backfill at <paramref name="start"/>, checked against the contract at the start.</summary>
    private static List<ContractItem> BackfillItems(RegistryDocument registry, DateTimeOffset start, SimulatorOptions options)
    {
        var session = new RealisticSession(registry, options, start);
        var run = new SimulationRun();
        var time = new FakeTimeProvider(start);
        while (session.NextBackfillSlice() is { } slice)
        {
            run.Collect(slice, time);
        }

        return run.CheckedItems(registry);
    }
}
