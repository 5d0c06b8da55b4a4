using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
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
