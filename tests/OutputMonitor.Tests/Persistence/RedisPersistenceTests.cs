using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;
using StackExchange.Redis;

namespace OutputMonitor.Tests.Persistence;

/// <summary>Grain state in a real redis-server: it survives a silo stop, a silo kill and reactivation.</summary>
public sealed class RedisPersistenceTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly DateTimeOffset Now = new(2026, 8, 8, 9, 0, 0, TimeSpan.FromHours(8));

    private static Reading[] Stream(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => Reading.Output($"m-{i}", Now.AddMinutes(-i), good: i, scrap: i % 3))];

    [Fact]
    public async Task Totals_ids_and_the_registry_survive_a_silo_restart()
    {
        await redis.FlushAllAsync();
        var serviceId = $"restart-{Guid.NewGuid():N}";
        var time = new FakeTimeProvider(Now);
        var added = TestRegistry.Enterprise("ent-added", "city-a", null, TestRegistry.Production("l1"));

        await using (var first = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId))
        {
            Assert.True((await first.Registry.UpsertEnterpriseAsync(added)).Applied);
            Assert.Equal(100, (await first.IngestAsync("ent-1", "p1", Stream(0, 100))).Accepted);
            Assert.Equal(3, (await first.IngestAsync("ent-added", "l1", Stream(0, 3))).Accepted);
            await first.FlushAsync();
        }

        await using var second = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId);

        // The registry change was persisted: the file is only the first start's source.
        Assert.Equal(2, await second.Registry.GetVersionAsync());
        Assert.Equal(3, (await second.SnapshotAsync("line:ent-added/l1")).Today.Good);

        var expectedGood = Enumerable.Range(0, 100).Sum();
        Assert.Equal(expectedGood, (await second.SnapshotAsync("line:ent-1/p1")).Today.Good);
        Assert.Equal(expectedGood, (await second.SnapshotAsync("region:prov")).Today.Good - 3);

        // The same ids again are duplicates; new ones count.
        var again = await second.IngestAsync("ent-1", "p1", [.. Stream(90, 20)]);
        Assert.Equal((10, 10), (again.Accepted, again.Duplicates));
        await second.FlushAsync();
        Assert.Equal(expectedGood + Enumerable.Range(100, 10).Sum(), (await second.SnapshotAsync("enterprise:ent-1")).Today.Good);
    }

    [Fact]
    public async Task Archived_history_chunks_come_back_from_redis_after_a_silo_restart()
    {
        await redis.FlushAllAsync();
        var serviceId = $"history-{Guid.NewGuid():N}";
        var time = new FakeTimeProvider(Now);
        var from = Now.AddDays(-1);
        var to = Now.AddMinutes(5);
        List<HistoryPoint> lineMinutes, enterpriseHours;
        await using (var first = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId))
        {
            // 20 hours at one reading every 5 minutes: most of the minute ranges close.
            await first.IngestAsync("ent-1", "p1", [.. Enumerable.Range(0, 240).Select(i => Reading.Output($"h-{i}", Now.AddMinutes(-5 * i), good: i + 1))]);
            await first.FlushAsync();
            time.Advance(TimeSpan.FromMinutes(2));
            var line = first.Grains.GetLineGrain("ent-1", "p1");
            await line.IngestAsync([Reading.Output("tick", time.GetUtcNow(), good: 1)]);
            await first.FlushAsync();
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            await Eventually.HoldsAsync(
                () => Task.FromResult(connection.GetServer(redis.ConnectionString).Keys(pattern: "*history-m-*").Any()),
                TimeSpan.FromSeconds(10),
                () => "history chunks stored in Redis");
            lineMinutes = [.. (await line.GetHistoryAsync(HistoryStep.Minute, from, to))!.Points];
            enterpriseHours = [.. (await first.Grains.GetGrain<IAggregateGrain>("enterprise:ent-1").GetHistoryAsync(HistoryStep.Hour, from, to))!.Points];
        }

        await using var second = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId);
        Assert.Equal(241, lineMinutes.Count);
        Assert.Equal(lineMinutes, (await second.Grains.GetLineGrain("ent-1", "p1").GetHistoryAsync(HistoryStep.Minute, from, to))!.Points);
        Assert.Equal(enterpriseHours, (await second.Grains.GetGrain<IAggregateGrain>("enterprise:ent-1").GetHistoryAsync(HistoryStep.Hour, from, to))!.Points);
        Assert.Equal(Enumerable.Range(1, 240).Sum() + 1, enterpriseHours.Sum(p => p.Good));
    }

    [Fact]
    public async Task An_acknowledged_batch_survives_a_killed_silo_and_reaches_the_roll_ups()
    {
        await redis.FlushAllAsync();
        var serviceId = $"kill-{Guid.NewGuid():N}";
        var time = new FakeTimeProvider(Now);
        var first = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId);
        await first.IngestAsync("ent-2", "p1", Stream(0, 50));
        await first.FlushAsync();

        // Acknowledged (IngestAsync returned) but never pushed up before the crash.
        await first.IngestAsync("ent-2", "p1", Stream(50, 25));
        await first.Cluster.KillSiloAsync(first.Cluster.Silos[0]);
        await first.Cluster.DisposeAsync();

        await using var second = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId);
        await second.FlushAsync();

        var expected = Enumerable.Range(0, 75).Sum();
        Assert.Equal(expected, (await second.SnapshotAsync("line:ent-2/p1")).Today.Good);
        Assert.Equal(expected, (await second.SnapshotAsync("region:prov")).Today.Good);
        Assert.Equal(expected, (await second.SnapshotAsync("chain:chain-x")).Today.Good);
    }

    [Fact]
    public async Task The_silo_host_runs_on_redis_clustering_and_storage_as_configured()
    {
        await redis.FlushAllAsync();
        await using var hosts = await ProductHosts.StartSiloAsync(TestRegistry.Small(), new()
        {
            ["Orleans:Clustering"] = "redis",
            ["Redis:ConnectionString"] = redis.ConnectionString,
        });
        Assert.Equal(1, (await hosts.Grains.GetLineGrain("ent-1", "p1").IngestAsync(Stream(0, 1))).Accepted);

        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
        var keys = connection.GetServer(redis.ConnectionString).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        Assert.Contains(keys, k => k.Contains("members", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Contains("ent-1/p1", StringComparison.Ordinal));
    }

    /// <summary>
    /// A line's ids beyond one open segment are archived into chunks stored on their own: the line's
    /// own state stays the size of one segment however many ids it remembers, the chunks come back
    /// after a restart, and expiry removes them from Redis.
    /// </summary>
    [Fact]
    public async Task Archived_ids_survive_a_restart_the_line_state_stays_small_and_expired_chunks_are_removed()
    {
        await redis.FlushAllAsync();
        var serviceId = $"chunks-{Guid.NewGuid():N}";
        var time = new FakeTimeProvider(Now);
        await using (var first = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId))
        {
            for (var batch = 0; batch < 10; batch++)
            {
                Assert.Equal(1000, (await first.IngestAsync("ent-1", "p1", OneMinute(batch * 1000, 1000))).Accepted);
            }

            await first.FlushAsync();
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
        var keys = connection.GetServer(redis.ConnectionString).Keys(pattern: "*").Select(k => k.ToString()).Where(k => k.Contains("ent-1/p1", StringComparison.Ordinal)).ToList();
        var chunkKeys = keys.Where(k => k.Contains("line-dedupe-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(chunkKeys);
        var lineKey = Assert.Single(keys, k => !k.Contains("line-dedupe-", StringComparison.Ordinal));

        // 10,000 ids are 80 KB packed; the line keeps at most one open segment of them (8 KB).
        Assert.InRange(await StoredBytesAsync(connection.GetDatabase(), lineKey), 1, 24_000);

        await using var second = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId);
        var again = await second.IngestAsync("ent-1", "p1", OneMinute(0, 10_001));
        Assert.Equal((1, 10_000), (again.Accepted, again.Duplicates));

        // A day and more later the maintenance round forgets those ids and deletes their chunks.
        time.Advance(TimeSpan.FromHours(26));
        await second.IngestAsync("ent-1", "p1", Reading.Output("after", time.GetUtcNow(), good: 1, scrap: 0));
        await second.FlushAsync();
        await Eventually.HoldsAsync(
            () => Task.FromResult(!connection.GetServer(redis.ConnectionString).Keys(pattern: "*line-dedupe-*").Any()),
            TimeSpan.FromSeconds(10),
            () => "the expired chunks are deleted from Redis");
    }

    /// <summary>Readings of one minute, so that the line's buckets stay few and its state is mostly its ids.</summary>
    private static Reading[] OneMinute(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => Reading.Output($"m-{i}", Now, good: 1))];

    private static async Task<long> StoredBytesAsync(IDatabase database, string key) =>
        await database.KeyTypeAsync(key) == RedisType.Hash
            ? (await database.HashGetAllAsync(key)).Sum(e => (long)((byte[])e.Value!).Length)
            : (long)((byte[])(await database.StringGetAsync(key))!).Length;

    [Fact]
    public async Task State_is_stored_in_Orleans_binary_form_under_the_service_id()
    {
        await redis.FlushAllAsync();
        var serviceId = $"format-{Guid.NewGuid():N}";
        await using (var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), new FakeTimeProvider(Now), redis.ConnectionString, serviceId))
        {
            await cluster.IngestAsync("ent-1", "p1", Stream(0, 1));
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
        var keys = connection.GetServer(redis.ConnectionString).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        Assert.Contains(keys, k => k.Contains(serviceId, StringComparison.Ordinal) && k.Contains("ent-1/p1", StringComparison.Ordinal));
        var lineKey = keys.First(k => k.Contains("ent-1/p1", StringComparison.Ordinal));
        var database = connection.GetDatabase();
        var stored = database.KeyType(lineKey) == RedisType.Hash
            ? string.Concat(database.HashGetAll(lineKey).Select(e => e.Value.ToString()))
            : database.StringGet(lineKey).ToString();
        Assert.NotEmpty(stored);
        Assert.DoesNotContain("$type", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("OutputMonitor.Lines.LineGrainState", stored, StringComparison.Ordinal);
    }
}
