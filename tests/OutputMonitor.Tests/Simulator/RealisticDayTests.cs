using OutputMonitor.Registry;
using Xunit.Abstractions;

namespace OutputMonitor.Tests.Simulator;

/// <summary>A whole simulated plant day of the demo registry (fake time, one-minute steps), read as the system would.</summary>
public class RealisticDayTests(DemoDayFixture day, ITestOutputHelper output) : IClassFixture<DemoDayFixture>
{
    private const double DayMs = 86_400_000;

    private IEnumerable<(string Key, LineDefinition Line)> Lines(string kind) =>
        day.Registry.Enterprises.SelectMany(e => e.Lines.Where(l => l.Kind == kind).Select(l => ($"{e.Id}/{l.Id}", l)));

    private List<ContractItem> Of(string key, string channel) => [.. day.ByLineAndChannel[(key, channel)]];

    [Fact]
    public void Every_line_reports_state_and_sensors_and_production_lines_report_output()
    {
        foreach (var (key, _) in Lines(LineKinds.Production).Concat(Lines(LineKinds.Shipment)))
        {
            Assert.NotEmpty(Of(key, "state"));
            Assert.NotEmpty(Of(key, "sensor"));
        }

        foreach (var (key, _) in Lines(LineKinds.Production))
        {
            Assert.NotEmpty(Of(key, "output"));
            Assert.Empty(Of(key, "shipment"));
        }

        foreach (var (key, _) in Lines(LineKinds.Shipment))
        {
            Assert.Empty(Of(key, "output"));
        }
    }

    [Fact]
    public void Production_lines_never_exceed_their_ideal_rate()
    {
        foreach (var (key, line) in Lines(LineKinds.Production))
        {
            var units = Of(key, "output").Sum(i => i.Good + i.Scrap);
            Assert.True(units <= line.IdealRatePerHour!.Value * 24, $"{key}: {units} units in a day at an ideal rate of {line.IdealRatePerHour}/h");
        }
    }

    [Fact]
    public void Scrap_stays_between_half_a_percent_and_three_percent()
    {
        foreach (var (key, _) in Lines(LineKinds.Production))
        {
            var items = Of(key, "output");
            var (good, scrap) = (items.Sum(i => i.Good), items.Sum(i => i.Scrap));
            var total = good + scrap;
            Assert.True(scrap <= (0.03 * total) + 1, $"{key}: {scrap} scrap of {total}");
            Assert.True(scrap >= (0.005 * total) - 1, $"{key}: {scrap} scrap of {total}");
        }
    }

    [Fact]
    public void Lines_report_only_the_four_states_and_every_one_of_them_occurs()
    {
        var states = day.DayItems.Where(i => i.Channel == "state").Select(i => i.State).ToHashSet();
        Assert.Equal(TelemetryContract.States.Order(), states.Order());
    }

    [Fact]
    public void Each_line_stops_a_few_times_a_day_for_5_to_60_minutes()
    {
        foreach (var (key, _) in Lines(LineKinds.Production))
        {
            var spans = StateSpans(key);
            var stops = spans.Where(s => s.State is "down" || (s.State is "idle" or "maintenance" && s.Reason is not null && !s.Reason.Contains("shift") && !s.Reason.Contains("night"))).ToList();
            Assert.InRange(stops.Count, 2, 5);
            Assert.All(stops, s => Assert.InRange(s.Ms, 5 * 60_000, 60 * 60_000));
        }
    }

    [Fact]
    public void Oee_of_every_production_line_is_realistic()
    {
        var oees = new List<double>();
        foreach (var (key, line) in Lines(LineKinds.Production))
        {
            var (availability, performance, quality) = Oee(key, line);
            var oee = availability * performance * quality;
            oees.Add(oee);
            Assert.True(oee is >= 0.55 and <= 0.92, $"{key}: OEE {oee:F3} (A {availability:F3} P {performance:F3} Q {quality:F3})");
        }

        Assert.InRange(oees.Average(), 0.65, 0.85);
    }

    [Fact]
    public void Output_comes_every_5_to_15_seconds_and_sensor_readings_about_every_30()
    {
        foreach (var (key, _) in Lines(LineKinds.Production))
        {
            Assert.InRange(MedianGapSeconds(Of(key, "output")), 4.5, 16);
            Assert.InRange(MedianGapSeconds(Of(key, "sensor")), 22, 38);
        }
    }

    [Fact]
    public void The_bauxite_chain_ships_truck_rail_and_barge_loads_of_realistic_size_the_mine_and_rail_held_back_by_a_wagon_shortage()
    {
        (string Line, string Mode, double Min, double Max, double MinOfPlan, double MaxOfPlan)[] expected =
        [
            ("boke-mine", "truck", 40, 60, 0.6, 0.72),
            ("boke-rail", "rail", 3000, 4500, 0.4, 0.7),
            ("boke-wharf", "barge", 3000, 5000, 0.8, 1.1),
        ];
        foreach (var (lineId, mode, min, max, minOfPlan, maxOfPlan) in expected)
        {
            var key = $"hnic/{lineId}";
            var loads = Of(key, "shipment");
            Assert.All(loads, l => Assert.Equal(mode, l.Json.GetProperty("mode").GetString()));
            Assert.All(loads, l => Assert.InRange(l.Tons, min, max));
            var plan = (double)day.Registry.Enterprises.Single(e => e.Id == "hnic").Lines.Single(l => l.Id == lineId).Plan!.TonsPerDay!.Value;
            Assert.InRange(loads.Sum(l => l.Tons), minOfPlan * plan, maxOfPlan * plan);
        }

        // A truck every few minutes; a few trains a day, with long waits for wagons between them.
        Assert.InRange(MedianGapSeconds(Of("hnic/boke-mine", "shipment")), 60, 600);
        Assert.InRange(Of("hnic/boke-rail", "shipment").Count, 3, 7);
        var waits = StateSpans("hnic/boke-rail").Where(s => s.Reason?.Contains("wagon", StringComparison.Ordinal) == true).ToList();
        Assert.InRange(waits.Sum(s => s.Ms) / DayMs, 0.2, 0.6);
    }

    [Fact]
    public void No_line_goes_longer_than_its_stale_after_minutes_without_a_message()
    {
        var (dayStart, dayEnd) = (SimulationRun.DemoDay.ToUnixTimeMilliseconds(), SimulationRun.DemoDay.AddDays(1).ToUnixTimeMilliseconds());
        var published = day.Run.Messages
            .SelectMany(m => TelemetryContract.Check(m.Message.Topic, m.Message.Payload, m.AtMs).Select(i => (i.LineKey, i.TimestampMs, m.AtMs)))
            .ToLookup(i => i.LineKey);
        var longestOfAll = TimeSpan.Zero;
        foreach (var enterprise in day.Registry.Enterprises)
        {
            foreach (var line in enterprise.Lines)
            {
                var key = $"{enterprise.Id}/{line.Id}";
                var staleAfter = TimeSpan.FromMinutes(line.Alerts?.StaleAfterMinutes ?? enterprise.Alerts?.StaleAfterMinutes ?? 15);

                // Both by event time and by when the messages went out, over the whole plant day.
                foreach (var times in new[] { published[key].Select(i => i.TimestampMs), published[key].Select(i => i.AtMs) })
                {
                    var sorted = times.Where(t => t < dayEnd).Append(dayStart).Append(dayEnd).Order().ToList();
                    var longest = TimeSpan.FromMilliseconds(sorted.Zip(sorted.Skip(1), (a, b) => b - a).Max());
                    Assert.True(longest < staleAfter, $"{key}: {longest} without a message (stale after {staleAfter})");
                    longestOfAll = longest > longestOfAll ? longest : longestOfAll;
                }
            }
        }

        output.WriteLine($"longest silence of any line over the day: {longestOfAll} (by event time or by publishing in one-minute steps)");
    }

    [Fact]
    public void Devices_mix_epoch_milliseconds_and_rfc3339_with_the_plant_offset()
    {
        var tsKinds = day.Run.Messages.Take(5000)
            .Select(m => System.Text.Json.JsonDocument.Parse(m.Message.Payload).RootElement.GetProperty("ts"))
            .ToList();
        Assert.Contains(tsKinds, t => t.ValueKind == System.Text.Json.JsonValueKind.Number);
        var texts = tsKinds.Where(t => t.ValueKind == System.Text.Json.JsonValueKind.String).Select(t => t.GetString()!).ToList();
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.EndsWith("+08:00", t));
    }

    [Fact]
    public void Ids_never_repeat_per_line_and_channel()
    {
        var duplicates = day.Items.GroupBy(i => (i.LineKey, i.Channel, i.Id)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Seq_increases_by_one_per_line_and_channel_in_event_time_order()
    {
        foreach (var group in day.Items.GroupBy(i => (i.LineKey, i.Channel)))
        {
            var seqs = group.OrderBy(i => i.TimestampMs).ThenBy(i => i.Seq).Select(i => i.Seq!.Value).ToList();
            for (var i = 1; i < seqs.Count; i++)
            {
                Assert.True(seqs[i] == seqs[i - 1] + 1, $"{group.Key}: seq {seqs[i - 1]} then {seqs[i]}");
            }
        }
    }

    [Fact]
    public void Figures_of_the_demo_day()
    {
        output.WriteLine($"{"line",-44} {"good",9} {"plan",9} {"%plan",6} {"A",5} {"P",5} {"Q",5} {"OEE",5}");
        foreach (var (key, line) in Lines(LineKinds.Production))
        {
            var items = Of(key, "output");
            var good = items.Sum(i => i.Good);
            var (a, p, q) = Oee(key, line);
            output.WriteLine($"{key,-44} {good,9} {line.Plan?.GoodPerDay,9} {100.0 * good / line.Plan!.GoodPerDay!.Value,6:F1} {a,5:F3} {p,5:F3} {q,5:F3} {a * p * q,5:F3}");
        }

        foreach (var (key, line) in Lines(LineKinds.Shipment))
        {
            var loads = Of(key, "shipment");
            output.WriteLine($"{key,-44} {loads.Count,5} loads {loads.Sum(l => l.Tons),12:F1} t (plan {line.Plan?.TonsPerDay} t/day)");
        }

        output.WriteLine($"{day.Run.Messages.Count} messages, {day.Items.Count} items");
        Assert.NotEmpty(day.Items);
    }

    private (double Availability, double Performance, double Quality) Oee(string key, LineDefinition line)
    {
        var spans = StateSpans(key);
        var running = spans.Where(s => s.State == "running").Sum(s => s.Ms);
        var maintenance = spans.Where(s => s.State == "maintenance").Sum(s => s.Ms);
        var items = Of(key, "output");
        var (good, scrap) = (items.Sum(i => i.Good), items.Sum(i => i.Scrap));
        return (running / (DayMs - maintenance), (good + scrap) / (line.IdealRatePerHour!.Value * running / 3_600_000), good / (double)(good + scrap));
    }

    private List<(string State, string? Reason, double Ms)> StateSpans(string key)
    {
        var states = Of(key, "state");
        var dayEnd = SimulationRun.DemoDay.AddDays(1).ToUnixTimeMilliseconds();
        return [.. states.Select((s, i) => (
            s.State,
            s.Json.TryGetProperty("reason", out var reason) ? reason.GetString() : null,
            (double)((i + 1 < states.Count ? states[i + 1].TimestampMs : dayEnd) - s.TimestampMs)))];
    }

    private static double MedianGapSeconds(List<ContractItem> items)
    {
        var gaps = items.Zip(items.Skip(1), (a, b) => (b.TimestampMs - a.TimestampMs) / 1000.0).Order().ToList();
        return gaps[gaps.Count / 2];
    }
}
