using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Registry;
using OutputMonitor.Simulator;
using OutputMonitor.Simulator.Model;

namespace OutputMonitor.Tests.Simulator;

/// <summary>A message as the simulator would have published it, with the (fake) time it went out.</summary>
public sealed record PublishedMessage(SimMessage Message, long AtMs);

/// <summary>Drives a <see cref="RealisticSession"/> over fake time, step by step, without sleeping.</summary>
public sealed class SimulationRun
{
    /// <summary>A Tuesday, from the plant's midnight (Asia/Shanghai).</summary>
    public static readonly DateTimeOffset DemoDay = new(2026, 3, 17, 0, 0, 0, TimeSpan.FromHours(8));

    public List<PublishedMessage> Messages { get; } = [];

    public static SimulationRun Realistic(RegistryDocument registry, DateTimeOffset start, TimeSpan duration, TimeSpan step, int batchSize = 1, int seed = 2026, double speed = 1)
    {
        var time = new FakeTimeProvider(start);
        var session = new RealisticSession(registry, new SimulatorOptions { Seed = seed, BatchSize = batchSize, Backfill = false, Speed = speed }, time.GetUtcNow());
        var run = new SimulationRun();
        run.Collect(session.Step(time.GetUtcNow()), time);
        while (time.GetUtcNow() < start + duration)
        {
            time.Advance(step);
            run.Collect(session.Step(time.GetUtcNow()), time);
        }

        return run;
    }

    public void Collect(IEnumerable<SimMessage> messages, TimeProvider time) =>
        Messages.AddRange(messages.Select(m => new PublishedMessage(m, time.GetUtcNow().ToUnixTimeMilliseconds())));

    /// <summary>Every message checked against the contract at the time it went out; the objects in them.</summary>
    public List<ContractItem> CheckedItems(RegistryDocument registry)
    {
        var lines = RegistryLines(registry);
        return [.. Messages.SelectMany(m => TelemetryContract.Check(m.Message.Topic, m.Message.Payload, m.AtMs, lines))];
    }

    public static HashSet<string> RegistryLines(RegistryDocument registry) =>
        [.. registry.Enterprises.SelectMany(e => e.Lines.Select(l => $"{e.Id}/{l.Id}"))];

    public static RegistryDocument OnlyEnterprise(RegistryDocument registry, string enterpriseId) =>
        registry with { Enterprises = [.. registry.Enterprises.Where(e => e.Id == enterpriseId)] };
}

/// <summary>The demo registry's whole plant day, simulated once for the tests that read it.</summary>
public sealed class DemoDayFixture
{
    public DemoDayFixture()
    {
        Registry = RegistryJson.LoadDemo();
        Run = SimulationRun.Realistic(Registry, SimulationRun.DemoDay, TimeSpan.FromDays(1), TimeSpan.FromMinutes(1));
        Items = Run.CheckedItems(Registry);
        var dayEnd = SimulationRun.DemoDay.AddDays(1).ToUnixTimeMilliseconds();
        DayItems = [.. Items.Where(i => i.TimestampMs < dayEnd)];
        ByLineAndChannel = DayItems.OrderBy(i => i.TimestampMs).ToLookup(i => (i.LineKey, i.Channel));
    }

    public RegistryDocument Registry { get; }

    public SimulationRun Run { get; }

    public List<ContractItem> Items { get; }

    /// <summary>The items of the plant day itself (the run ends at the next midnight).</summary>
    public List<ContractItem> DayItems { get; }

    /// <summary>The day's items of one line and channel, in event-time order.</summary>
    public ILookup<(string LineKey, string Channel), ContractItem> ByLineAndChannel { get; }
}
