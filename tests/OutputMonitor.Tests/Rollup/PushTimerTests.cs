using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Rollup;

/// <summary>Without any explicit flush, the push timers carry changes to the top of both hierarchies.</summary>
public class PushTimerTests
{
    [Fact]
    public async Task Changes_reach_the_province_and_the_chain_on_their_own_and_keep_doing_so()
    {
        var now = new DateTimeOffset(2026, 9, 1, 10, 0, 0, TimeSpan.FromHours(8));
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), new FakeTimeProvider(now), pushInterval: TimeSpan.FromMilliseconds(50));

        await cluster.IngestAsync("ent-1", "p1", Reading.Output("a", now, good: 5));
        await Eventually.HoldsAsync(async () => (await cluster.SnapshotAsync("region:prov")).Today.Good == 5, TimeSpan.FromSeconds(20), "the province gets the first reading");

        // The timers were idle in between; new work arms them again.
        await cluster.IngestAsync("ent-2", "p1", Reading.Output("b", now, good: 7));
        await Eventually.HoldsAsync(async () => (await cluster.SnapshotAsync("chain:chain-x")).Today.Good == 12, TimeSpan.FromSeconds(20), "the chain gets both readings");
        await Eventually.HoldsAsync(async () => (await cluster.SnapshotAsync("region:prov")).Today.Good == 12, TimeSpan.FromSeconds(20), "the province gets both readings (one level more than the chain)");
    }
}
