using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Alerts;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Alerts;

/// <summary>Alerts in a real redis-server: open alerts and their history survive a silo restart, and are not raised twice.</summary>
public sealed class AlertPersistenceTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Open_and_cleared_alerts_survive_a_restart_and_the_open_one_is_not_raised_again()
    {
        await redis.FlushAllAsync();
        var serviceId = $"alerts-{Guid.NewGuid():N}";
        var time = new FakeTimeProvider(Noon.AddHours(-12));
        string openId;
        await using (var first = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId))
        {
            // Watched since midnight.
            await first.IngestAsync("ent-2", "p1", Reading.Sensor("s", time.GetUtcNow(), [new SensorValue("t", 1)]));
            time.SetUtcNow(Noon);
            // ent-2/p1: nothing made by noon against 800 a day; down since 11:00 (raised, then cleared by running).
            await first.IngestAsync("ent-2", "p1", Reading.StateChange("d", Noon.AddHours(-1), LineState.Down));
            await first.Grains.GetScopeGrain(ScopeId.Parse("line:ent-2/p1")).EvaluateAlertsAsync();
            await first.IngestAsync("ent-2", "p1", Reading.StateChange("r", Noon, LineState.Running));
            var book = await first.Grains.GetGrain<IAlertBookGrain>("ent-2").GetAlertsAsync();
            Assert.Equal(AlertStatuses.Cleared, book.Single(a => a.Kind == AlertKinds.Down).Status);
            openId = book.Single(a => a.Kind == AlertKinds.OutputShortfall && a.Status == AlertStatuses.Active).Id;
            await first.Grains.GetGrain<IAlertBookGrain>("ent-2").AcknowledgeAsync(openId, "李工", Noon);
        }

        await using var second = await MonitorCluster.StartAsync(TestRegistry.Small(), time, redis.ConnectionString, serviceId);
        time.Advance(TimeSpan.FromMinutes(5));
        await second.Grains.GetScopeGrain(ScopeId.Parse("line:ent-2/p1")).EvaluateAlertsAsync();

        var after = await second.Grains.GetGrain<IAlertBookGrain>("ent-2").GetAlertsAsync();
        Assert.Equal(AlertStatuses.Cleared, after.Single(a => a.Kind == AlertKinds.Down).Status);
        var shortfall = Assert.Single(after, a => a.Kind == AlertKinds.OutputShortfall);
        Assert.Equal((openId, AlertStatuses.Acknowledged, "李工"), (shortfall.Id, shortfall.Status, shortfall.AcknowledgedBy));
        Assert.Equal(1, (await second.SnapshotAsync("line:ent-2/p1")).ActiveAlerts);
    }
}
