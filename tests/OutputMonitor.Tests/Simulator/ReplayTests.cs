using System.Buffers;
using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Registry;
using OutputMonitor.Simulator.Model;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Simulator;

/// <summary>What grain tests use to replay the simulator's telemetry without MQTT.</summary>
public class ReplayTests
{
    private static readonly RegistryDocument Demo = RegistryJson.LoadDemo();
    private static readonly TimeSpan Plant = TimeSpan.FromHours(8);

    [Fact]
    public void A_month_of_vessel_completions_from_the_seed_alone_is_what_the_live_run_publishes()
    {
        var hnic = Demo.Enterprises.Single(e => e.Id == "hnic");
        var registry = Demo with { Enterprises = [hnic with { Lines = [.. hnic.Lines.Where(l => l.Id == "boke-vessel")] }] };
        var (march, april) = (new DateTimeOffset(2026, 3, 1, 0, 0, 0, Plant), new DateTimeOffset(2026, 4, 1, 0, 0, 0, Plant));
        var published = SimulationRun.Realistic(registry, march, april - march, TimeSpan.FromHours(6)).CheckedItems(registry)
            .Where(i => i.Channel == "shipment" && i.TimestampMs < april.ToUnixTimeMilliseconds())
            .Select(i => (i.Id, i.Seq, i.TimestampMs, i.Tons))
            .ToList();

        var vessel = (VesselLineSimulation)TelemetryModel.ForLine(Demo, "hnic", "boke-vessel", 2026);
        var replayed = vessel.ShipmentsOfMonth(new DateOnly(2026, 3, 17));

        Assert.InRange(published.Count, 15, 19);
        Assert.Equal(published, replayed.Select(s => (s.Id, s.Seq, s.TimestampMs, s.Tons)));
        Assert.Equal(vessel.Schedule.VesselsOf(VesselSchedule.MonthNumber(new DateOnly(2026, 3, 1))).Select(v => v.CompletionMs), replayed.Select(s => s.TimestampMs));
    }

    [Fact]
    public void A_replay_is_the_live_runs_items_of_the_span_and_each_becomes_the_reading_the_gateway_makes_of_it()
    {
        var (from, to) = (new DateTimeOffset(2026, 3, 17, 6, 0, 0, Plant), new DateTimeOffset(2026, 3, 17, 9, 0, 0, Plant));
        var channels = new HashSet<TelemetryChannel>();
        foreach (var (enterprise, line) in new[] { ("joincare", "api-line-2"), ("hnic", "boke-mine"), ("hnic", "boke-vessel") })
        {
            var replayed = TelemetryModel.Replay(Demo, enterprise, line, 2026, from, to);

            var live = SimulationRun.Realistic(SimulationRun.OnlyEnterprise(Demo, enterprise), from, to - from, TimeSpan.FromMinutes(1)).CheckedItems(Demo)
                .Where(i => i.LineKey == $"{enterprise}/{line}" && i.TimestampMs >= from.ToUnixTimeMilliseconds() && i.TimestampMs < to.ToUnixTimeMilliseconds());
            Assert.Equal(live.Select(i => (i.Channel, i.Id)).Order(), replayed.Select(i => (SimLine.ChannelName(i.Channel), i.Id)).Order());
            channels.UnionWith(replayed.Select(i => i.Channel));

            foreach (var item in replayed)
            {
                var parsed = new TelemetryParser(new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(item.TimestampMs)))
                    .Parse(item.Topic, new ReadOnlySequence<byte>(TelemetryEncoder.Encode(item)));
                AssertSameReadings([item.ToReading()], parsed.Readings);
            }
        }

        Assert.Equal(Enum.GetValues<TelemetryChannel>(), channels.Order());
    }
}
