using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;
using static OutputMonitor.Tests.Support.TestRegistry;

namespace OutputMonitor.Tests.Rollup;

/// <summary>
/// Thousands of random readings over many lines, with duplicates, late data and several flushes in
/// between: every scope equals the sum of its lines and an expectation computed independently here.
/// </summary>
public class RandomizedRollupTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 20, 15, 30, 0, TimeSpan.FromHours(8));

    /// <remarks>
    /// With a push interval of 10 ms, pushes run on their own while batches arrive: timers, and
    /// ingest writes that seal a due push, interleave with the explicit flushes.
    /// </remarks>
    [Theory]
    [InlineData(20260520, 0)]
    [InlineData(7, 0)]
    [InlineData(11, 10)]
    public async Task Every_scope_equals_the_sum_of_its_lines_and_the_independent_expectation(int seed, int pushIntervalMs)
    {
        var random = new Random(seed);
        var registry = RandomRegistry(random);
        var index = new RegistryIndex(registry);
        await using var cluster = await MonitorCluster.StartAsync(registry, new FakeTimeProvider(Now), pushInterval: pushIntervalMs > 0 ? TimeSpan.FromMilliseconds(pushIntervalMs) : null);

        var lines = index.Configs.Values.Where(c => c.Line is not null).ToList();
        var expectedDays = new Dictionary<ScopeId, Dictionary<DateOnly, Totals>>();
        var sent = new List<(ScopeConfig Line, Reading Reading)>();
        for (var round = 0; round < 4; round++)
        {
            var batches = new List<Task>();
            foreach (var group in Enumerable.Range(0, 1500).Select(_ => RandomReading(random, lines, sent)).GroupBy(r => r.Line.Scope))
            {
                var scope = group.Key;
                batches.Add(cluster.Grains.GetLineGrain(scope.Id, scope.LineId!).IngestAsync(group.Select(r => r.Reading).ToList()));
            }

            await Task.WhenAll(batches);
            if (round % 2 == 1)
            {
                await cluster.FlushAsync();
            }
        }

        await cluster.FlushAsync();

        // The expectation: each distinct (line, channel, id) once, at its plant day in Shanghai.
        var zone = PlantCalendar.GetZone("Asia/Shanghai");
        foreach (var (line, reading) in sent.DistinctBy(s => (s.Line.Scope, s.Reading.Key)))
        {
            var day = PlantCalendar.LocalDate(reading.Timestamp, zone);
            var totals = new Totals(reading.Good, reading.Scrap, reading.Tons, (reading.Good * line.Line!.UnitValueCny) ?? 0m);
            foreach (var scope in Ancestors(index, line.Scope).Append(line.Scope))
            {
                var days = expectedDays.TryGetValue(scope, out var d) ? d : expectedDays[scope] = [];
                days[day] = days.GetValueOrDefault(day) + totals;
            }
        }

        var today = DateOnly.FromDateTime(Now.DateTime);
        Assert.True(sent.Count > sent.DistinctBy(s => (s.Line.Scope, s.Reading.Key)).Count(), "the stream must hold duplicates");
        foreach (var scope in index.Configs.Keys)
        {
            var grain = cluster.Grains.GetScopeGrain(scope);
            var snapshot = (await grain.GetSnapshotAsync())!;
            var expected = expectedDays.GetValueOrDefault(scope) ?? [];
            Assert.Equal(expected.GetValueOrDefault(today), snapshot.Today);

            var sumOfLines = index.LinesBelow(scope).Aggregate(default(Totals), (sum, line) => sum + expectedDays.GetValueOrDefault(line)?.GetValueOrDefault(today) ?? sum);
            Assert.Equal(sumOfLines, snapshot.Today);
            if (snapshot.Children.Count > 0)
            {
                Assert.Equal(snapshot.Today, snapshot.Children.Aggregate(default(Totals), (sum, child) => sum + child.Today));
            }

            var history = (await grain.GetHistoryAsync(HistoryStep.Day, Now.AddDays(-10), Now.AddDays(2)))!;
            Assert.Equal(
                expected.Where(kv => !kv.Value.IsZero).OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value.Good, kv.Value.Scrap, kv.Value.Tons)),
                history.Points.Select(p => (DateOnly.FromDateTime(p.T.ToOffset(TimeSpan.FromHours(8)).DateTime), p.Good, p.Scrap, p.Tons)));
        }
    }

    private static IEnumerable<ScopeId> Ancestors(RegistryIndex index, ScopeId scope)
    {
        var pending = new Queue<ScopeId>(index.Find(scope)!.Parents);
        while (pending.TryDequeue(out var parent))
        {
            yield return parent;
            foreach (var next in index.Find(parent)!.Parents)
            {
                pending.Enqueue(next);
            }
        }
    }

    private static (ScopeConfig Line, Reading Reading) RandomReading(Random random, List<ScopeConfig> lines, List<(ScopeConfig, Reading)> sent)
    {
        // One in eight repeats an earlier message (same id), possibly with other figures.
        if (sent.Count > 0 && random.Next(8) == 0)
        {
            var (line, earlier) = sent[random.Next(sent.Count)];
            var repeat = earlier with { Good = earlier.Good + 1 };
            sent.Add((line, repeat));
            return (line, repeat);
        }

        var target = lines[random.Next(lines.Count)];
        var id = $"m-{sent.Count}";

        // Mostly today, some late (up to 3 days back), spread over the day so far.
        var timestamp = Now.AddMinutes(-random.Next(0, random.Next(4) == 0 ? 3 * 24 * 60 : 15 * 60));
        var reading = target.Line!.Kind == LineKinds.Shipment
            ? Reading.Shipment(id, timestamp, Math.Round((decimal)random.NextDouble() * 60000m, 3) + 0.001m)
            : Reading.Output(id, timestamp, random.Next(0, 500), random.Next(0, 3) == 0 ? random.Next(0, 20) : 0);
        sent.Add((target, reading));
        return (target, reading);
    }

    private static RegistryDocument RandomRegistry(Random random)
    {
        List<RegionDefinition> regions = [Region("prov", null, "Asia/Shanghai"), Region("city-a", "prov"), Region("city-b", "prov"), Region("zone-b1", "city-b")];
        var chains = new[] { Chain("chain-1"), Chain("chain-2"), Chain("chain-3") };
        var enterprises = Enumerable.Range(0, 12).Select(e => Enterprise(
            $"ent-{e}",
            regions[1 + random.Next(regions.Count - 1)].Id!,
            random.Next(4) == 0 ? null : chains[random.Next(chains.Length)].Id,
            [.. Enumerable.Range(0, 1 + random.Next(5)).Select(l => random.Next(4) == 0
                ? Shipment($"s{l}", 1000m)
                : Production($"p{l}", unitValue: Math.Round((decimal)random.NextDouble() * 100m, 2), goodPerDay: 1000))])).ToList();
        return new RegistryDocument { Regions = regions, Chains = chains, Enterprises = enterprises };
    }
}
