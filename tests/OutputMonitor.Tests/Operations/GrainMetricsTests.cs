using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Alerts;
using OutputMonitor.Diagnostics;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Operations;

/// <summary>
/// The grains' instruments on the silo's own meter (listened to through the silo's meter factory,
/// so other tests' hosts never count here): readings and duplicates per line kind, roll-up pushes,
/// alerts raised, cleared and open.
/// </summary>
public sealed class GrainMetricsTests
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 24, 6, 0, 0, TimeSpan.FromHours(8));

    private static IMeterFactory MetersOf(MonitorCluster cluster) =>
        cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IMeterFactory>();

    private static MetricCollector<long> Collect(IMeterFactory meters, string instrument) =>
        new(meters, MonitorMetrics.MeterName, instrument);

    private static long Sum(MetricCollector<long> collector, string tag, string value) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

    [Fact]
    public async Task Readings_and_duplicates_are_counted_per_line_kind_once_durable()
    {
        var time = new FakeTimeProvider(Morning);
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        using var accepted = Collect(MetersOf(cluster), MonitorMetrics.ReadingsAccepted);
        using var duplicates = Collect(MetersOf(cluster), MonitorMetrics.ReadingsDuplicates);

        await cluster.IngestAsync("ent-1", "p1", Reading.Output("a", Morning, 5), Reading.Output("b", Morning, 6), Reading.Output("c", Morning, 7));
        await cluster.IngestAsync("ent-1", "p1", Reading.Output("a", Morning, 5), Reading.Output("d", Morning, 1));
        await cluster.IngestAsync("ent-1", "s1", Reading.Shipment("t", Morning, 10m), Reading.Shipment("t", Morning, 10m));

        Assert.Equal(4, Sum(accepted, "kind", "production"));
        Assert.Equal(1, Sum(accepted, "kind", "shipment"));
        Assert.Equal(1, Sum(duplicates, "kind", "production"));
        Assert.Equal(1, Sum(duplicates, "kind", "shipment"));
    }

    [Fact]
    public async Task Roll_up_pushes_are_counted_by_the_kind_of_scope_that_sent_them()
    {
        var time = new FakeTimeProvider(Morning);
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        using var pushes = Collect(MetersOf(cluster), MonitorMetrics.RollupPushes);

        await cluster.IngestAsync("ent-2", "p1", Reading.Output("a", Morning, 5));
        await cluster.FlushAsync();

        Assert.True(Sum(pushes, "scope_kind", "line") >= 1);
        Assert.True(Sum(pushes, "scope_kind", "enterprise") >= 2, "ent-2 pushes to city-b and chain-x");
        Assert.True(Sum(pushes, "scope_kind", "region") >= 1, "city-b pushes to prov");
        Assert.Equal(0, Sum(pushes, "scope_kind", "chain"));
    }

    [Fact]
    public async Task Alerts_raised_and_cleared_are_counted_by_kind_and_open_ones_follow_the_grains_that_hold_them()
    {
        var time = new FakeTimeProvider(Morning);
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        var meters = MetersOf(cluster);
        using var raised = Collect(meters, MonitorMetrics.AlertsRaised);
        using var cleared = Collect(meters, MonitorMetrics.AlertsCleared);
        using var open = Collect(meters, MonitorMetrics.AlertsOpen);
        var line = cluster.Grains.GetScopeGrain(ScopeId.Parse("line:ent-3/p2"));

        // ent-3/p2 has no plan (no shortfall, no stale): only the down rule can fire.
        await cluster.IngestAsync("ent-3", "p2", Reading.StateChange("s1", Morning, LineState.Down));
        time.Advance(TimeSpan.FromMinutes(31));
        await line.EvaluateAlertsAsync();
        Assert.Equal((1, 1), (Sum(raised, "kind", AlertKinds.Down), Sum(open, "kind", AlertKinds.Down)));

        // The grain goes (its open alert with it) and comes back (bringing it again): raised once only.
        await cluster.DeactivateAllAsync();
        await Eventually.HoldsAsync(() => Sum(open, "kind", AlertKinds.Down) == 0, TimeSpan.FromSeconds(30), "the deactivated line gives up its open alert");
        await line.EvaluateAlertsAsync();
        Assert.Equal((1, 1), (Sum(raised, "kind", AlertKinds.Down), Sum(open, "kind", AlertKinds.Down)));

        await cluster.IngestAsync("ent-3", "p2", Reading.StateChange("s2", time.GetUtcNow(), LineState.Running));
        Assert.Equal((1, 1, 0), (Sum(raised, "kind", AlertKinds.Down), Sum(cleared, "kind", AlertKinds.Down), Sum(open, "kind", AlertKinds.Down)));
        Assert.Equal(0, Sum(raised, "kind", AlertKinds.Stale));
    }
}
