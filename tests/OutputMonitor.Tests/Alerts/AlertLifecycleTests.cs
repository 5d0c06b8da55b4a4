using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Alerts;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Alerts;

/// <summary>
/// The rules in the line and enterprise grains, on a fake product clock: raise after the grace,
/// one open alert per rule, acknowledge, clear, raise anew; stale by reminder with no message; down;
/// the enterprise's own shortfall; a removed line. ent-1/p1 plans 2,000 units a day, ent-1/s1 500 t.
/// </summary>
public sealed class AlertLifecycleTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Midnight = new(2026, 11, 24, 0, 0, 0, Shanghai);

    private static Task<IReadOnlyList<Alert>> BookAsync(MonitorCluster cluster, string enterprise) =>
        cluster.Grains.GetGrain<IAlertBookGrain>(enterprise).GetAlertsAsync();

    private static Task EvaluateAsync(MonitorCluster cluster, string scope) =>
        cluster.Grains.GetScopeGrain(ScopeId.Parse(scope)).EvaluateAlertsAsync();

    private static async Task<IReadOnlyList<Alert>> OfKindAsync(MonitorCluster cluster, string enterprise, string kind) =>
        [.. (await BookAsync(cluster, enterprise)).Where(a => a.Kind == kind)];

    [Fact]
    public async Task An_output_shortfall_is_raised_after_the_grace_acknowledged_cleared_and_raised_anew()
    {
        var time = new FakeTimeProvider(Midnight.AddHours(6));
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        await cluster.IngestAsync("ent-1", "p1", Reading.Output("a", Midnight.AddHours(5), good: 500));

        // 500 made; the pace passes 700 (more than 200, a tenth of the day's plan, ahead) at 08:24.
        time.SetUtcNow(Midnight.AddHours(8).AddMinutes(30));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        Assert.Empty(await OfKindAsync(cluster, "ent-1", AlertKinds.OutputShortfall));

        time.SetUtcNow(Midnight.AddHours(8).AddMinutes(55));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        await EvaluateAsync(cluster, "line:ent-1/p1");
        var raised = Assert.Single(await OfKindAsync(cluster, "ent-1", AlertKinds.OutputShortfall));
        Assert.Equal(("line:ent-1/p1", AlertSeverities.Warning, AlertStatuses.Active, time.GetUtcNow()), (raised.Scope, raised.Severity, raised.Status, raised.RaisedAt));
        var fraction = (decimal)(8 + (55 / 60.0)) / 24;
        Assert.Equal(("day", 500m, 2000m), (raised.Details!.Period, raised.Details.Actual, raised.Details.Plan));
        Assert.Equal(Math.Round(2000m * fraction, 1), Math.Round(raised.Details.Expected!.Value, 1));
        Assert.Equal(Math.Round(500m / fraction, 1), Math.Round(raised.Details.Projected!.Value, 1));
        Assert.StartsWith("ent-1.p1.output_shortfall.", raised.Id, StringComparison.Ordinal);

        var ack = await cluster.Grains.GetGrain<IAlertBookGrain>("ent-1").AcknowledgeAsync(raised.Id, "王工", time.GetUtcNow());
        Assert.Equal(AlertStatuses.Acknowledged, ack.Alert!.Status);

        // Caught up: the condition ends, the alert clears and keeps who acknowledged it.
        time.SetUtcNow(Midnight.AddHours(9));
        await cluster.IngestAsync("ent-1", "p1", Reading.Output("b", Midnight.AddHours(9), good: 1000));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        var cleared = Assert.Single(await OfKindAsync(cluster, "ent-1", AlertKinds.OutputShortfall));
        Assert.Equal((raised.Id, AlertStatuses.Cleared, "王工", time.GetUtcNow()), (cleared.Id, cleared.Status, cleared.AcknowledgedBy, cleared.ClearedAt));

        // 1,500 made; behind again from 20:24 (pace 1,700): a new alert, with its own id.
        time.SetUtcNow(Midnight.AddHours(21));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        var again = await OfKindAsync(cluster, "ent-1", AlertKinds.OutputShortfall);
        Assert.Equal(2, again.Count);
        var second = again.Single(a => a.Status == AlertStatuses.Active);
        Assert.NotEqual(raised.Id, second.Id);
        Assert.Null(second.AcknowledgedBy);
    }

    [Fact]
    public async Task Open_alerts_are_counted_in_the_snapshots_of_the_line_and_every_scope_above()
    {
        var time = new FakeTimeProvider(Midnight);
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        await cluster.IngestAsync("ent-2", "p1", Reading.Sensor("s-0", Midnight, [new SensorValue("t", 1)]));
        time.SetUtcNow(Midnight.AddHours(10));
        await cluster.IngestAsync("ent-2", "p1", Reading.Sensor("s-1", Midnight.AddHours(10), [new SensorValue("t", 1)]));

        // Watched since midnight, nothing made by 10:00 against 800 a day: a shortfall (stale is not due).
        await EvaluateAsync(cluster, "line:ent-2/p1");
        await cluster.FlushAsync();

        foreach (var scope in new[] { "line:ent-2/p1", "enterprise:ent-2", "region:city-b", "region:prov", "chain:chain-x" })
        {
            Assert.Equal((scope, 1), (scope, (await cluster.SnapshotAsync(scope)).ActiveAlerts));
        }

        var enterprise = await cluster.SnapshotAsync("enterprise:ent-2");
        Assert.Equal(1, enterprise.Children.Single(c => c.Scope == "line:ent-2/p1").ActiveAlerts);
        Assert.Equal(0, (await cluster.SnapshotAsync("region:city-a")).ActiveAlerts);
    }

    [Fact]
    public async Task A_line_goes_stale_on_time_by_its_reminder_with_no_further_message_and_clears_when_heard()
    {
        var time = new FakeTimeProvider(Midnight.AddHours(3));
        var settings = new Dictionary<string, string?> { ["Alerts:EvaluateInterval"] = "00:00:01" };
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time, settings: settings);
        await cluster.IngestAsync("ent-1", "s1", Reading.Sensor("s-1", time.GetUtcNow(), [new SensorValue("load", 1)]));

        // Nothing calls the line again, and it is not even active: only its reminder can notice.
        time.Advance(TimeSpan.FromMinutes(16));
        await cluster.DeactivateAllAsync();
        await Eventually.HoldsAsync(
            async () => (await OfKindAsync(cluster, "ent-1", AlertKinds.Stale)).Any(a => a.Scope == "line:ent-1/s1" && a.Status == AlertStatuses.Active),
            TimeSpan.FromSeconds(20),
            "a stale alert on ent-1/s1 raised by its reminder");
        var stale = (await OfKindAsync(cluster, "ent-1", AlertKinds.Stale)).Single(a => a.Scope == "line:ent-1/s1");
        Assert.Equal(Midnight.AddHours(3), stale.Details!.LastSeen);

        // Heard again: cleared at once, not at the next evaluation.
        await cluster.IngestAsync("ent-1", "s1", Reading.Sensor("s-2", time.GetUtcNow(), [new SensorValue("load", 2)]));
        var cleared = (await OfKindAsync(cluster, "ent-1", AlertKinds.Stale)).Single(a => a.Id == stale.Id);
        Assert.Equal((AlertStatuses.Cleared, time.GetUtcNow()), (cleared.Status, cleared.ClearedAt));
    }

    [Fact]
    public async Task A_line_that_never_reports_goes_stale_counting_from_when_the_registry_was_loaded()
    {
        var time = new FakeTimeProvider(Midnight.AddHours(3));
        var settings = new Dictionary<string, string?> { ["Alerts:EvaluateInterval"] = "00:00:01", ["Alerts:WatchAllAtStart"] = "true" };
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time, settings: settings);

        // Loading the registry starts every line and enterprise once; no line is ever called. The
        // product's clock moves a minute at each look: stale 15 minutes after the line was first watched.
        await cluster.Registry.GetVersionAsync();
        await Eventually.HoldsAsync(
            async () =>
            {
                time.Advance(TimeSpan.FromMinutes(1));
                return (await OfKindAsync(cluster, "ent-2", AlertKinds.Stale)).Any(a => a.Scope == "line:ent-2/p1");
            },
            TimeSpan.FromSeconds(20),
            "a stale alert on ent-2/p1, which never reported");
        var stale = (await OfKindAsync(cluster, "ent-2", AlertKinds.Stale)).Single();
        Assert.Null(stale.Details!.LastSeen);
    }

    [Fact]
    public async Task A_line_in_maintenance_or_without_a_plan_is_not_stale()
    {
        var time = new FakeTimeProvider(Midnight.AddHours(3));
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        await cluster.IngestAsync("ent-1", "p1", Reading.StateChange("m", time.GetUtcNow(), LineState.Maintenance));
        await cluster.IngestAsync("ent-3", "p2", Reading.Sensor("s", time.GetUtcNow(), [new SensorValue("t", 1)]));

        time.Advance(TimeSpan.FromHours(2));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        await EvaluateAsync(cluster, "line:ent-3/p2");
        Assert.Empty(await OfKindAsync(cluster, "ent-1", AlertKinds.Stale));
        Assert.Empty(await OfKindAsync(cluster, "ent-3", AlertKinds.Stale));

        // Out of maintenance, and silent since: stale from the state message on.
        await cluster.IngestAsync("ent-1", "p1", Reading.StateChange("r", time.GetUtcNow(), LineState.Idle));
        time.Advance(TimeSpan.FromMinutes(14));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        Assert.Empty(await OfKindAsync(cluster, "ent-1", AlertKinds.Stale));
        time.Advance(TimeSpan.FromMinutes(1));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        Assert.Single(await OfKindAsync(cluster, "ent-1", AlertKinds.Stale));
    }

    [Fact]
    public async Task A_line_down_longer_than_the_grace_raises_a_critical_alert_that_clears_when_it_runs()
    {
        var time = new FakeTimeProvider(Midnight.AddHours(3));
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        var downAt = time.GetUtcNow();
        await cluster.IngestAsync("ent-1", "p1", Reading.StateChange("d", downAt, LineState.Down, reason: "jam"));

        time.Advance(TimeSpan.FromMinutes(30));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        Assert.Empty(await OfKindAsync(cluster, "ent-1", AlertKinds.Down));

        time.Advance(TimeSpan.FromSeconds(1));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        var down = Assert.Single(await OfKindAsync(cluster, "ent-1", AlertKinds.Down));
        Assert.Equal((AlertSeverities.Critical, AlertStatuses.Active, downAt), (down.Severity, down.Status, down.Details!.Since));

        // Running again: cleared with the state message, without waiting for the reminder.
        time.Advance(TimeSpan.FromMinutes(5));
        await cluster.IngestAsync("ent-1", "p1", Reading.StateChange("r", time.GetUtcNow(), LineState.Running));
        Assert.Equal(AlertStatuses.Cleared, Assert.Single(await OfKindAsync(cluster, "ent-1", AlertKinds.Down)).Status);
    }

    [Fact]
    public async Task An_enterprise_is_measured_against_the_sum_of_its_lines_plans()
    {
        // ent-3: p1 plans 1,000 a day, p2 has no plan; the enterprise allows 2 % (20) behind.
        // By noon p1 made 450 and p2 20: 470 against a pace of 500 is 30 behind.
        var time = new FakeTimeProvider(Midnight.AddHours(12));
        var registry = TestRegistry.Small();
        registry = registry with
        {
            Enterprises = [.. registry.Enterprises.Select(e => e.Id == "ent-3" ? e with { Alerts = new AlertSettings { ShortfallTolerance = 0.02, GraceMinutes = 0 } } : e)],
        };
        await using var cluster = await MonitorCluster.StartAsync(registry, time);
        await cluster.IngestAsync("ent-3", "p1", Reading.Output("a", Midnight.AddHours(1), good: 450));
        await cluster.IngestAsync("ent-3", "p2", Reading.Output("b", Midnight.AddHours(1), good: 20));
        await cluster.FlushAsync();

        await EvaluateAsync(cluster, "enterprise:ent-3");
        var alert = Assert.Single(await OfKindAsync(cluster, "ent-3", AlertKinds.OutputShortfall));
        Assert.Equal(("enterprise:ent-3", 1000m), (alert.Scope, alert.Details!.Plan));
        Assert.StartsWith("ent-3.output_shortfall.", alert.Id, StringComparison.Ordinal);

        // The enterprise's actual is what all its lines made, p2's included.
        Assert.Equal(470m, alert.Details.Actual);
    }

    [Fact]
    public async Task An_enterprise_with_production_and_shipment_lines_has_a_rule_for_each()
    {
        var time = new FakeTimeProvider(Midnight.AddHours(12));
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        await cluster.IngestAsync("ent-1", "p1", Reading.Output("a", Midnight.AddHours(1), good: 1000));
        await cluster.IngestAsync("ent-1", "s1", Reading.Shipment("b", Midnight.AddHours(1), tons: 100m));
        await cluster.FlushAsync();

        await EvaluateAsync(cluster, "enterprise:ent-1");

        // Units on pace (1,000 of 1,000); tons 150 behind (100 of 250) with 50 allowed.
        var alert = Assert.Single(await BookAsync(cluster, "ent-1"));
        Assert.Equal((AlertKinds.ShipmentShortfall, "enterprise:ent-1", 500m, 100m), (alert.Kind, alert.Scope, alert.Details!.Plan, alert.Details.Actual));
    }

    [Fact]
    public async Task Removing_a_line_clears_its_open_alerts()
    {
        var time = new FakeTimeProvider(Midnight);
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        await cluster.IngestAsync("ent-2", "p1", Reading.Sensor("s", time.GetUtcNow(), [new SensorValue("t", 1)]));
        time.SetUtcNow(Midnight.AddHours(12));
        await cluster.IngestAsync("ent-2", "p1", Reading.Sensor("s-2", time.GetUtcNow(), [new SensorValue("t", 1)]));
        await EvaluateAsync(cluster, "line:ent-2/p1");
        Assert.Equal(AlertStatuses.Active, Assert.Single(await BookAsync(cluster, "ent-2")).Status);

        var ent2 = TestRegistry.Small().Enterprises.Single(e => e.Id == "ent-2");
        Assert.True((await cluster.Registry.UpsertEnterpriseAsync(ent2 with { Lines = [TestRegistry.Production("p9")] })).Applied);

        var cleared = Assert.Single(await BookAsync(cluster, "ent-2"), a => a.Scope == "line:ent-2/p1");
        Assert.Equal(AlertStatuses.Cleared, cleared.Status);
    }

    [Fact]
    public async Task A_fresh_start_raises_no_shortfall_for_the_hours_before_it_knew_the_line()
    {
        // Started at 10:00 with no history: nothing made "since midnight" is not known to be a shortfall.
        var time = new FakeTimeProvider(Midnight.AddHours(10));
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);
        await cluster.IngestAsync("ent-2", "p1", Reading.Sensor("s", time.GetUtcNow(), [new SensorValue("t", 1)]));
        await EvaluateAsync(cluster, "line:ent-2/p1");
        Assert.Empty(await OfKindAsync(cluster, "ent-2", AlertKinds.OutputShortfall));

        // From 10:00, 800 a day is 466.7 by midnight; by 16:00, 200 is expected and nothing made: 200
        // behind with 46.7 allowed, since 11:24; the plan in the details is the share since 10:00.
        time.SetUtcNow(Midnight.AddHours(16));
        await cluster.IngestAsync("ent-2", "p1", Reading.Sensor("s-2", time.GetUtcNow(), [new SensorValue("t", 1)]));
        await EvaluateAsync(cluster, "line:ent-2/p1");
        var alert = Assert.Single(await OfKindAsync(cluster, "ent-2", AlertKinds.OutputShortfall));
        Assert.Equal((466.667m, 200m), (alert.Details!.Plan, alert.Details.Expected));
    }

    [Fact]
    public async Task A_line_with_settings_of_its_own_uses_them_over_its_enterprises()
    {
        // A 4-hour grace on the line: behind since 02:24 (no output against 2,000 a day), raised only after 06:24.
        var time = new FakeTimeProvider(Midnight);
        var registry = TestRegistry.Small();
        registry = registry with
        {
            Enterprises = [.. registry.Enterprises.Select(e => e.Id == "ent-1"
                ? e with { Alerts = new AlertSettings { GraceMinutes = 5 }, Lines = [e.Lines[0] with { Alerts = new AlertSettings { GraceMinutes = 240 } }, e.Lines[1]] }
                : e)],
        };
        await using var cluster = await MonitorCluster.StartAsync(registry, time);
        await cluster.IngestAsync("ent-1", "p1", Reading.Sensor("s", time.GetUtcNow(), [new SensorValue("t", 1)]));

        time.SetUtcNow(Midnight.AddHours(6).AddMinutes(20));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        Assert.Empty(await OfKindAsync(cluster, "ent-1", AlertKinds.OutputShortfall));

        time.SetUtcNow(Midnight.AddHours(6).AddMinutes(25));
        await EvaluateAsync(cluster, "line:ent-1/p1");
        Assert.Single(await OfKindAsync(cluster, "ent-1", AlertKinds.OutputShortfall));
    }
}
