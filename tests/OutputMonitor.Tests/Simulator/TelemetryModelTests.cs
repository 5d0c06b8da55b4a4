using System.Text;
using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Registry;
using OutputMonitor.Simulator;
using OutputMonitor.Simulator.Model;
using Xunit.Abstractions;

namespace OutputMonitor.Tests.Simulator;

public class TelemetryModelTests(ITestOutputHelper output)
{
    private static readonly RegistryDocument Demo = RegistryJson.LoadDemo();
    private static readonly DateTimeOffset Morning = SimulationRun.DemoDay.AddHours(10);

    [Fact]
    public void The_same_seed_gives_the_same_messages()
    {
        var first = SimulationRun.Realistic(Demo, Morning, TimeSpan.FromHours(2), TimeSpan.FromMinutes(1));
        var second = SimulationRun.Realistic(Demo, Morning, TimeSpan.FromHours(2), TimeSpan.FromMinutes(1));

        Assert.NotEmpty(first.Messages);
        Assert.Equal(Texts(first), Texts(second));
    }

    [Fact]
    public void Another_seed_gives_other_messages()
    {
        var first = SimulationRun.Realistic(Demo, Morning, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), seed: 1);
        var second = SimulationRun.Realistic(Demo, Morning, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), seed: 2);

        Assert.NotEqual(Texts(first), Texts(second));
    }

    [Fact]
    public void A_restart_with_backfill_replays_the_day_with_the_same_ids_and_values()
    {
        var noon = SimulationRun.DemoDay.AddHours(12);
        var original = SimulationRun.Realistic(Demo, SimulationRun.DemoDay, TimeSpan.FromHours(12), TimeSpan.FromMinutes(1));

        var time = new FakeTimeProvider(Morning);
        var restarted = new SimulationRun();
        var session = new RealisticSession(Demo, new SimulatorOptions { Backfill = true, BackfillPeriods = false }, time.GetUtcNow());
        while (session.NextBackfillSlice() is { } slice)
        {
            restarted.Collect(slice, time);
        }

        time.SetUtcNow(noon);
        restarted.Collect(session.Step(time.GetUtcNow()), time);

        var before = ById(original.CheckedItems(Demo));
        var after = ById(restarted.CheckedItems(Demo));
        Assert.Equal(Listed(before, p => p.Key.Channel != "sensor"), Listed(after, p => p.Key.Channel != "sensor"));

        // Sensors are backfilled for the last minutes only, and then the same.
        var sensors = after.Where(p => p.Key.Channel == "sensor").ToList();
        Assert.NotEmpty(sensors);
        Assert.All(sensors, p => Assert.Equal(before[p.Key], p.Value));
    }

    [Fact]
    public void The_day_backfill_covers_the_plant_day_so_far_with_past_timestamps_only()
    {
        var session = new RealisticSession(Demo, new SimulatorOptions { Backfill = true, BackfillPeriods = false }, Morning);
        var run = new SimulationRun();
        var time = new FakeTimeProvider(Morning);
        while (session.NextBackfillSlice() is { } slice)
        {
            Assert.All(slice, m => Assert.InRange(m.Items, 1, TelemetryEncoder.MaxBatchItems));
            run.Collect(slice, time);
        }

        var items = run.CheckedItems(Demo);
        var (dayStart, start) = (SimulationRun.DemoDay.ToUnixTimeMilliseconds(), Morning.ToUnixTimeMilliseconds());
        Assert.All(items, i => Assert.InRange(i.TimestampMs, dayStart, start));
        Assert.Contains(items, i => i.Channel == "output" && i.TimestampMs < dayStart + 60_000);
        Assert.Contains(items, i => i.Channel == "state" && i.TimestampMs == dayStart);
        Assert.All(items.Where(i => i.Channel == "sensor"), i => Assert.True(i.TimestampMs >= start - (long)TelemetryModel.SensorBackfill.TotalMilliseconds));
    }

    [Fact]
    public void Without_backfill_a_start_reports_every_lines_current_state_and_nothing_older()
    {
        var session = new RealisticSession(Demo, new SimulatorOptions { Backfill = false }, Morning);
        var run = new SimulationRun();
        run.Collect(session.Step(Morning), new FakeTimeProvider(Morning));

        var items = run.CheckedItems(Demo);
        var states = items.Where(i => i.Channel == "state").ToList();
        Assert.Equal(SimulationRun.RegistryLines(Demo).Order(), states.Select(s => s.LineKey).Order());
        Assert.All(states, s => Assert.InRange(s.TimestampMs, SimulationRun.DemoDay.ToUnixTimeMilliseconds(), Morning.ToUnixTimeMilliseconds()));
        Assert.All(items.Where(i => i.Channel != "state"), i => Assert.Equal(Morning.ToUnixTimeMilliseconds(), i.TimestampMs));
    }

    [Fact]
    public void The_vessel_line_loads_50_to_60_kt_and_never_runs_ahead_of_the_monthly_plan_pace()
    {
        var hnic = SimulationRun.OnlyEnterprise(Demo, "hnic");
        var monthStart = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var monthEnd = monthStart.AddMonths(1);
        var plan = (double)hnic.Enterprises[0].Lines.Single(l => l.Id == "boke-vessel").Plan!.TonsPerMonth!.Value;
        var time = new FakeTimeProvider(monthStart);
        var model = new TelemetryModel(hnic, 2026, monthStart, Backfill.None);
        var items = new List<TelemetryItem>();
        var vessels = new List<ShipmentItem>();
        while (time.GetUtcNow() < monthEnd)
        {
            time.Advance(TimeSpan.FromHours(1));
            items.Clear();
            model.Advance(time.GetUtcNow(), items);
            vessels.AddRange(items.OfType<ShipmentItem>().Where(s => s.Line.LineId == "boke-vessel"));

            var elapsed = (time.GetUtcNow() - monthStart) / (monthEnd - monthStart);
            var monthToDate = vessels.Sum(v => v.Tons);
            Assert.True(monthToDate <= plan * elapsed, $"{time.GetUtcNow():u}: {monthToDate} t shipped, pace {plan * elapsed:F0} t");
        }

        Assert.All(vessels, v =>
        {
            Assert.InRange(v.Tons, 50_000, 60_000);
            Assert.Equal("vessel", v.Mode);
            Assert.Contains(v.To, LineProfile.VesselDestinations);
        });
        var total = vessels.Sum(v => v.Tons);
        Assert.InRange(total, 0.80 * plan, 0.98 * plan);
        output.WriteLine($"March 2026: {vessels.Count} vessels, {total:F0} t = {100 * total / plan:F1} % of the {plan:F0} t plan");
    }

    [Fact]
    public void Over_a_year_the_vessel_line_ships_85_to_95_percent_of_its_plan_and_no_month_reaches_it()
    {
        var line = SimLine.FromRegistry(Demo, 2026).Single(l => l.Key == "hnic/boke-vessel");
        var schedule = new VesselSchedule(line, LineProfile.For(line, 2026), 2026);
        var (year, plan) = (0.0, 0.0);
        for (var month = 1; month <= 12; month++)
        {
            var first = new DateOnly(2026, month, 1);
            var vessels = schedule.VesselsOf(VesselSchedule.MonthNumber(first));
            var tons = vessels.Sum(v => v.Tons);
            (year, plan) = (year + tons, plan + schedule.MonthPlan(first));
            Assert.All(vessels, v => Assert.True(v.StartMs < v.CompletionMs));
            Assert.InRange(tons / schedule.MonthPlan(first), 0.8, 0.98);
            output.WriteLine($"2026-{month:D2}: {vessels.Count,2} vessels, {tons,9:F0} t = {100 * tons / schedule.MonthPlan(first),5:F1} % of plan");
        }

        output.WriteLine($"2026: {year:F0} t = {100 * year / plan:F1} % of the {plan:F0} t plan");
        Assert.InRange(year / plan, 0.85, 0.95);
    }

    [Fact]
    public void Accelerated_time_plays_hours_in_minutes_with_timestamps_on_the_real_clock()
    {
        var run = SimulationRun.Realistic(Demo, Morning, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5), speed: 60);
        var items = run.CheckedItems(Demo);

        Assert.All(run.Messages, m => Assert.All(TelemetryContract.Check(m.Message.Topic, m.Message.Payload, m.AtMs), i => Assert.True(i.TimestampMs <= m.AtMs)));
        Assert.All(items.Where(i => i.Channel != "state"), i => Assert.True(i.TimestampMs >= Morning.ToUnixTimeMilliseconds()));

        // Accelerated events have ids of their own; the state reported at the start is the real-time one.
        var start = Morning.ToUnixTimeMilliseconds();
        Assert.All(items.Where(i => i.TimestampMs > start), i => Assert.Contains("-2026x", i.Id, StringComparison.Ordinal));
        Assert.All(items.Where(i => i.TimestampMs <= start), i => Assert.DoesNotContain("-2026x", i.Id, StringComparison.Ordinal));

        // Ten real minutes carry about ten simulated hours of a line's output.
        var line = items.Where(i => i.LineKey == "joincare/api-line-2" && i.Channel == "output").ToList();
        Assert.InRange(line.Sum(i => i.Good + i.Scrap), 2400 * 10 * 0.6, 2400 * 10);
    }

    [Fact]
    public void Batches_carry_the_same_items_as_single_messages_in_arrays_of_at_most_the_batch_size()
    {
        var single = SimulationRun.Realistic(Demo, Morning, TimeSpan.FromHours(1), TimeSpan.FromMinutes(30));
        var batched = SimulationRun.Realistic(Demo, Morning, TimeSpan.FromHours(1), TimeSpan.FromMinutes(30), batchSize: 100);

        Assert.All(batched.Messages, m =>
        {
            Assert.Equal((byte)'[', m.Message.Payload[0]);
            Assert.InRange(m.Message.Items, 1, 100);
        });
        Assert.Contains(batched.Messages, m => m.Message.Items == 100);
        Assert.True(batched.Messages.Count < single.Messages.Count / 10);
        Assert.Equal(Listed(ById(single.CheckedItems(Demo)), _ => true), Listed(ById(batched.CheckedItems(Demo)), _ => true));
    }

    [Fact]
    public void Packing_keeps_every_message_within_256_KiB()
    {
        var line = SimLine.FromRegistry(Demo, 1)[0];
        var values = Enumerable.Range(0, 64).Select(i => new SensorValue($"a_long_sensor_name_number_{i:D2}", 12345.678 + i)).ToArray();
        var items = Enumerable.Range(0, 1000).Select(i => (TelemetryItem)new SensorItem(line, $"big-{i}", i, Morning.ToUnixTimeMilliseconds(), values)).ToList();

        var messages = new List<SimMessage>();
        TelemetryEncoder.Pack(items, 1000, messages);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(m.Payload.Length <= TelemetryContract.MaxPayloadBytes));
        Assert.Equal(1000, messages.Sum(m => TelemetryContract.Check(m.Topic, m.Payload, Morning.ToUnixTimeMilliseconds()).Count));
    }

    private static List<string> Texts(SimulationRun run) => [.. run.Messages.Select(m => $"{m.Message.Topic} {Encoding.UTF8.GetString(m.Message.Payload)}")];

    private static List<string> Listed(Dictionary<(string LineKey, string Channel, string Id), string> items, Func<KeyValuePair<(string LineKey, string Channel, string Id), string>, bool> which) =>
        [.. items.Where(which).Select(p => $"{p.Key} {p.Value}").Order(StringComparer.Ordinal)];

    private static Dictionary<(string LineKey, string Channel, string Id), string> ById(IEnumerable<ContractItem> items) =>
        items.ToDictionary(i => (i.LineKey, i.Channel, i.Id), i => i.Json.GetRawText());
}
