using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Registry;
using OutputMonitor.Simulator;
using OutputMonitor.Simulator.Model;

namespace OutputMonitor.Tests.Simulator;

public class LoadModeTests
{
    private static readonly DateTimeOffset Now = SimulationRun.DemoDay.AddHours(10);

    private static (RegistryDocument Registry, LoadGenerator Generator) Generator(int batchSize, int synthetic = 250)
    {
        var registry = SyntheticRegistry.WithSyntheticLines(RegistryJson.LoadDemo(), synthetic);
        return (registry, new LoadGenerator(SimLine.FromRegistry(registry, 7), 7, batchSize, RealisticSession.RunTag(Now)));
    }

    [Fact]
    public void Batch_mode_publishes_arrays_of_exactly_the_batch_size_for_one_line_each()
    {
        var (registry, generator) = Generator(batchSize: 50);
        var lines = SimulationRun.RegistryLines(registry);
        var items = new List<ContractItem>();
        for (var i = 0; i < 1000; i++)
        {
            var message = generator.Next(Now.ToUnixTimeMilliseconds());
            Assert.Equal((byte)'[', message.Payload[0]);
            Assert.Equal(50, message.Items);
            var batch = TelemetryContract.Check(message.Topic, message.Payload, Now.ToUnixTimeMilliseconds(), lines);
            Assert.Equal(50, batch.Count);
            Assert.Single(batch.Select(b => (b.LineKey, b.Channel)).Distinct());
            items.AddRange(batch);
        }

        Assert.DoesNotContain(items.GroupBy(i => (i.LineKey, i.Channel, i.Id)), g => g.Count() > 1);
        Assert.All(items.GroupBy(i => (i.LineKey, i.Channel)), g => Assert.Equal(g.Select(i => i.Seq), g.Select(i => i.Seq).Order()));
    }

    [Fact]
    public void Batch_size_one_publishes_single_objects()
    {
        var (_, generator) = Generator(batchSize: 1, synthetic: 0);
        var message = generator.Next(Now.ToUnixTimeMilliseconds());
        Assert.Equal((byte)'{', message.Payload[0]);
        Assert.Single(TelemetryContract.Check(message.Topic, message.Payload, Now.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public void Load_is_spread_evenly_over_the_registry_and_synthetic_lines()
    {
        var (registry, generator) = Generator(batchSize: 10);
        var lineCount = SimulationRun.RegistryLines(registry).Count;
        var perTopicLine = Enumerable.Range(0, lineCount * 3)
            .Select(_ => generator.Next(Now.ToUnixTimeMilliseconds()))
            .GroupBy(m => string.Join('/', m.Topic.Split('/')[2..4]))
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(lineCount, perTopicLine.Count);
        Assert.All(perTopicLine.Values, count => Assert.Equal(3, count));
        Assert.Contains("sim-ent-2/line-49", perTopicLine.Keys);
        Assert.Contains("hnic/boke-vessel", perTopicLine.Keys);
    }

    [Fact]
    public void The_pacer_releases_exactly_the_rate_over_fake_time()
    {
        var time = new FakeTimeProvider(Now);
        var started = time.GetTimestamp();
        var pacer = new LoadPacer(itemsPerSecond: 20_000, batchSize: 100);
        var messages = 0;
        for (var tick = 0; tick < 1000; tick++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            messages += pacer.Due(time.GetElapsedTime(started));
        }

        Assert.Equal(2000, messages);
        Assert.Equal(0, pacer.Skipped);
    }

    [Fact]
    public void The_pacer_skips_a_backlog_of_more_than_a_second_instead_of_bursting()
    {
        var pacer = new LoadPacer(itemsPerSecond: 20_000, batchSize: 100);

        Assert.Equal(200, pacer.Due(TimeSpan.FromSeconds(5)));
        Assert.Equal(800, pacer.Skipped);
        Assert.Equal(20, pacer.Due(TimeSpan.FromSeconds(5.1)));
    }

    [Fact]
    public void A_rate_below_one_batch_a_second_still_releases_whole_batches_in_time()
    {
        var pacer = new LoadPacer(itemsPerSecond: 10, batchSize: 100);

        Assert.Equal(0, pacer.Due(TimeSpan.FromSeconds(9.9)));
        Assert.Equal(1, pacer.Due(TimeSpan.FromSeconds(10)));
    }
}

public class SyntheticRegistryTests
{
    [Fact]
    public void The_written_registry_holds_the_demo_and_the_synthetic_lines_and_parses()
    {
        var demo = RegistryJson.LoadDemo();
        var path = Path.Combine(Path.GetTempPath(), $"om-sim-registry-{Guid.NewGuid():N}.json");
        try
        {
            SyntheticRegistry.Write(SyntheticRegistry.WithSyntheticLines(demo, 250), path);

            using var stream = File.OpenRead(path);
            var (document, errors) = RegistryJson.Parse(stream);
            Assert.Empty(errors);
            Assert.Equal(demo.Enterprises.Count + 3, document!.Enterprises.Count);
            Assert.Equal(demo.Enterprises.Sum(e => e.Lines.Count) + 250, document.Enterprises.Sum(e => e.Lines.Count));
            var lines = SimulationRun.RegistryLines(document);
            Assert.Contains("sim-ent-0/line-0", lines);
            Assert.Contains("sim-ent-2/line-49", lines);
            Assert.DoesNotContain("sim-ent-2/line-50", lines);
            Assert.Equal("henan", document.Regions.Single(r => r.Id == SyntheticRegistry.RegionId).Parent);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Adding_synthetic_lines_to_a_written_registry_replaces_them()
    {
        var once = SyntheticRegistry.WithSyntheticLines(RegistryJson.LoadDemo(), 150);
        var twice = SyntheticRegistry.WithSyntheticLines(once, 150);
        var fewer = SyntheticRegistry.WithSyntheticLines(once, 0);

        Assert.Equal(RegistryJson.Serialize(once), RegistryJson.Serialize(twice));
        Assert.Equal(RegistryJson.Serialize(RegistryJson.LoadDemo()), RegistryJson.Serialize(fewer));
    }

    [Fact]
    public void The_write_registry_switch_writes_the_file_and_exits()
    {
        var path = Path.Combine(Path.GetTempPath(), $"om-sim-registry-{Guid.NewGuid():N}.json");
        try
        {
            var (output, error) = (new StringWriter(), new StringWriter());
            var exit = WriteRegistryCommand.TryRun(["--write-registry", path, "--Simulator:SyntheticLines=120"], output, error);

            Assert.Equal(0, exit);
            Assert.Empty(error.ToString());
            var registry = RegistryJson.Load(path);
            Assert.Equal(RegistryJson.LoadDemo().Enterprises.Sum(e => e.Lines.Count) + 120, registry.Enterprises.Sum(e => e.Lines.Count));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_switch_also_takes_the_file_after_an_equals_sign()
    {
        var path = Path.Combine(Path.GetTempPath(), $"om-sim-registry-{Guid.NewGuid():N}.json");
        try
        {
            Assert.Equal(0, WriteRegistryCommand.TryRun([$"--write-registry={path}"], TextWriter.Null, TextWriter.Null));
            Assert.Equal(RegistryJson.Serialize(RegistryJson.LoadDemo()), RegistryJson.Serialize(RegistryJson.Load(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Without_the_switch_the_simulator_runs_normally_and_without_a_file_it_explains()
    {
        Assert.Null(WriteRegistryCommand.TryRun(["--Simulator:Port=1883"], TextWriter.Null, TextWriter.Null));
        var error = new StringWriter();
        Assert.Equal(2, WriteRegistryCommand.TryRun(["--write-registry"], TextWriter.Null, error));
        Assert.Contains("usage", error.ToString(), StringComparison.Ordinal);
    }
}
