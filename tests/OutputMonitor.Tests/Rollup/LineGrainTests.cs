using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Rollup;

/// <summary>Line grains in a one-silo cluster: dedupe, event-time buckets, state, OEE, seq gaps, sensors.</summary>
public sealed class LineGrainTests : IAsyncLifetime
{
    // 12:00 in Shanghai on 2026-03-10.
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.FromHours(8));
    private readonly FakeTimeProvider _time = new(Noon);
    private MonitorCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), _time);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_repeated_id_is_counted_once()
    {
        var reading = Reading.Output("m-1", Noon.AddMinutes(-5), good: 7, scrap: 1);
        var first = await _cluster.IngestAsync("ent-1", "p1", reading, reading);
        var second = await _cluster.IngestAsync("ent-1", "p1", reading with { Good = 1000 });

        Assert.Equal(new IngestResult { Accepted = 1, Duplicates = 1 }, first);
        Assert.Equal(new IngestResult { Accepted = 0, Duplicates = 1 }, second);
        var snapshot = await _cluster.SnapshotAsync("line:ent-1/p1");
        Assert.Equal(new Totals(7, 1, 0m, 70m), snapshot.Today);
        Assert.Equal(2, snapshot.Duplicates);
    }

    [Fact]
    public async Task The_same_id_on_another_channel_is_another_message()
    {
        var result = await _cluster.IngestAsync("ent-1", "p1",
            Reading.Output("x", Noon, good: 3),
            Reading.StateChange("x", Noon, LineState.Running));
        Assert.Equal(2, result.Accepted);
    }

    [Fact]
    public async Task Ids_are_remembered_across_deactivation()
    {
        await _cluster.IngestAsync("ent-1", "p1", Reading.Output("m-1", Noon, good: 5));
        await _cluster.DeactivateAllAsync();

        var again = await _cluster.IngestAsync("ent-1", "p1", Reading.Output("m-1", Noon, good: 5), Reading.Output("m-2", Noon, good: 4));

        Assert.Equal(new IngestResult { Accepted = 1, Duplicates = 1 }, again);
        Assert.Equal(9, (await _cluster.SnapshotAsync("line:ent-1/p1")).Today.Good);
    }

    [Fact]
    public async Task Ids_are_remembered_for_24_hours_after_first_seen()
    {
        var line = _cluster.Grains.GetLineGrain("ent-1", "p1");
        await line.IngestAsync([Reading.Output("m-1", Noon, good: 5)]);

        _time.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        Assert.Equal(1, (await line.IngestAsync([Reading.Output("m-1", _time.GetUtcNow(), good: 5)])).Duplicates);
    }

    [Fact]
    public async Task Readings_are_deduped_by_their_key()
    {
        var reading = new Reading { Key = 42, Timestamp = Noon.ToUnixTimeMilliseconds(), Channel = TelemetryChannel.Output, Good = 5 };

        var result = await _cluster.IngestAsync("ent-1", "p1", reading, reading with { Good = 6 }, reading with { Key = 43 });

        Assert.Equal(new IngestResult { Accepted = 2, Duplicates = 1 }, result);
        Assert.Equal(10, (await _cluster.SnapshotAsync("line:ent-1/p1")).Today.Good);
    }

    [Fact]
    public async Task A_reading_of_an_older_gateway_with_an_id_and_no_key_is_deduped_against_one_with_the_key()
    {
        var older = new Reading { Id = "m-1", Timestamp = Noon.ToUnixTimeMilliseconds(), Channel = TelemetryChannel.Output, Good = 5 };

        var first = await _cluster.IngestAsync("ent-1", "p1", older, Reading.Output("m-1", Noon, good: 5));
        var second = await _cluster.IngestAsync("ent-1", "p1", Reading.Output("m-2", Noon, good: 4), older with { Id = "m-2" });

        Assert.Equal(new IngestResult { Accepted = 1, Duplicates = 1 }, first);
        Assert.Equal(new IngestResult { Accepted = 1, Duplicates = 1 }, second);
        Assert.Equal(9, (await _cluster.SnapshotAsync("line:ent-1/p1")).Today.Good);
    }

    [Fact]
    public async Task An_unknown_line_takes_nothing()
    {
        var result = await _cluster.IngestAsync("ent-1", "nope", Reading.Output("m-1", Noon, good: 5));
        Assert.True(result.UnknownLine);
        Assert.Equal(0, result.Accepted);
        Assert.Null(await _cluster.Grains.GetLineGrain("ent-1", "nope").GetSnapshotAsync());
    }

    [Fact]
    public async Task Late_and_out_of_order_readings_land_in_their_minute_hour_and_day_at_every_level()
    {
        var yesterdayLate = new DateTimeOffset(2026, 3, 9, 23, 59, 30, TimeSpan.FromHours(8));
        var todayEarly = new DateTimeOffset(2026, 3, 10, 0, 0, 10, TimeSpan.FromHours(8));
        var twoHoursAgo = Noon.AddHours(-2).AddSeconds(5);

        // Newest first: arrival order must not matter.
        await _cluster.IngestAsync("ent-1", "p1",
            Reading.Output("a", twoHoursAgo, good: 30),
            Reading.Output("b", todayEarly, good: 20),
            Reading.Output("c", yesterdayLate, good: 10));
        await _cluster.FlushAsync();

        foreach (var scope in new[] { "line:ent-1/p1", "enterprise:ent-1", "region:city-a", "region:prov", "chain:chain-x" })
        {
            var snapshot = await _cluster.SnapshotAsync(scope);
            Assert.Equal(50, snapshot.Today.Good);

            var grain = _cluster.Grains.GetScopeGrain(ScopeId.Parse(scope));
            var days = (await grain.GetHistoryAsync(HistoryStep.Day, Noon.AddDays(-3), Noon.AddDays(1)))!.Points;
            Assert.Equal(
                [(new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.FromHours(8)), 10L), (new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8)), 50L)],
                days.Select(p => (p.T, p.Good)));

            var hours = (await grain.GetHistoryAsync(HistoryStep.Hour, Noon.AddDays(-1), Noon))!.Points;
            Assert.Equal(
                [(yesterdayLate.AddSeconds(-30).AddMinutes(-59), 10L), (todayEarly.AddSeconds(-10), 20L), (Noon.AddHours(-2), 30L)],
                hours.Select(p => (p.T.ToOffset(TimeSpan.FromHours(8)), p.Good)));

            var minutes = (await grain.GetHistoryAsync(HistoryStep.Minute, Noon.AddHours(-2), Noon.AddHours(-2).AddMinutes(1)))!.Points;
            Assert.Equal((Noon.AddHours(-2), 30L), minutes.Select(p => (p.T.ToOffset(TimeSpan.FromHours(8)), p.Good)).Single());
        }
    }

    [Fact]
    public async Task A_late_reading_for_yesterday_corrects_yesterday_not_today_at_every_level()
    {
        await _cluster.IngestAsync("ent-1", "p1", Reading.Output("t", Noon, good: 5));
        await _cluster.FlushAsync();
        await _cluster.IngestAsync("ent-1", "p1", Reading.Output("y", Noon.AddDays(-1), good: 11));
        await _cluster.FlushAsync();

        foreach (var scope in new[] { "line:ent-1/p1", "enterprise:ent-1", "region:prov", "chain:chain-x" })
        {
            Assert.Equal(5, (await _cluster.SnapshotAsync(scope)).Today.Good);
            var days = (await _cluster.Grains.GetScopeGrain(ScopeId.Parse(scope)).GetHistoryAsync(HistoryStep.Day, Noon.AddDays(-2), Noon.AddDays(1)))!.Points;
            Assert.Equal([11L, 5L], days.Select(p => p.Good));
        }
    }

    [Fact]
    public async Task Shipments_count_tons_exactly()
    {
        await _cluster.IngestAsync("ent-1", "s1",
            Reading.Shipment("v1", Noon.AddHours(-1), 52000.125m),
            Reading.Shipment("v2", Noon.AddHours(-1), 0.001m));
        await _cluster.FlushAsync();

        var line = await _cluster.SnapshotAsync("line:ent-1/s1");
        Assert.Equal(52000.126m, line.Today.Tons);
        Assert.Equal("shipment", line.Kind);
        Assert.Equal(new GoodAndTons(0, 500m), line.Plan);
        Assert.Equal(52000.126m, (await _cluster.SnapshotAsync("region:prov")).Today.Tons);
    }

    [Fact]
    public async Task The_rate_per_hour_counts_the_last_60_minutes_by_event_time()
    {
        await _cluster.IngestAsync("ent-1", "p1",
            Reading.Output("old", Noon.AddMinutes(-61), good: 1000),
            Reading.Output("in-1", Noon.AddMinutes(-59), good: 40),
            Reading.Output("in-2", Noon, good: 2));

        Assert.Equal(new GoodAndTons(42, 0m), (await _cluster.SnapshotAsync("line:ent-1/p1")).RatePerHour);
    }

    [Fact]
    public async Task State_time_and_oee_follow_event_time()
    {
        var dayStart = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8));

        // Running from 00:00, down 06:00–07:00, maintenance 08:00–09:00, running since; sent out of order.
        await _cluster.IngestAsync("ent-1", "p1",
            Reading.StateChange("s3", dayStart.AddHours(8), LineState.Maintenance),
            Reading.StateChange("s1", dayStart, LineState.Running),
            Reading.StateChange("s4", dayStart.AddHours(9), LineState.Running, "restart"),
            Reading.StateChange("s2", dayStart.AddHours(6), LineState.Down, "jam"),
            Reading.StateChange("s2b", dayStart.AddHours(7), LineState.Running),
            Reading.Output("o", dayStart.AddHours(1), good: 900, scrap: 100));

        var snapshot = await _cluster.SnapshotAsync("line:ent-1/p1");
        Assert.Equal("running", snapshot.State);
        Assert.Equal(dayStart.AddHours(9), snapshot.StateSince);
        Assert.Equal(new Dictionary<string, double> { ["running"] = 10 * 3600, ["down"] = 3600, ["maintenance"] = 3600 }, snapshot.TimeInState);

        // 12 h elapsed, 1 h maintenance: availability 10/11; performance 1000 / (100/h × 10 h); quality 0.9.
        Assert.Equal(new OeeFigures(Math.Round(10 / 11.0, 4), 1.0, 0.9, Math.Round(10 / 11.0 * 0.9, 4)), snapshot.Oee);
        Assert.Equal(dayStart.AddHours(9), snapshot.LastSeen);
    }

    [Fact]
    public async Task Enterprise_oee_weighs_its_lines_by_planned_time()
    {
        var dayStart = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8));
        await _cluster.IngestAsync("ent-3", "p1", Reading.StateChange("a", dayStart, LineState.Running), Reading.Output("b", dayStart.AddHours(1), good: 600));

        // p2 has no ideal rate: it stays out of the enterprise's OEE.
        await _cluster.IngestAsync("ent-3", "p2", Reading.StateChange("a", dayStart, LineState.Down), Reading.Output("b", dayStart.AddHours(1), good: 5000, scrap: 5000));
        await _cluster.FlushAsync();
        _time.Advance(TimeSpan.FromHours(1));

        // ent-3/p1: running 13 h of 13, 600 units against 60/h × 13 h, all good.
        var enterprise = await _cluster.SnapshotAsync("enterprise:ent-3");
        Assert.Equal(new OeeFigures(1.0, Math.Round(600 / 780.0, 4), 1.0, Math.Round(600 / 780.0, 4)), enterprise.Oee);
        Assert.Null((await _cluster.SnapshotAsync("region:city-b")).Oee);
    }

    [Fact]
    public async Task Seq_gaps_are_counted_and_filled_by_late_messages()
    {
        await _cluster.IngestAsync("ent-1", "p1",
            Reading.Output("1", Noon, 1, seq: 1),
            Reading.Output("2", Noon, 1, seq: 2),
            Reading.Output("5", Noon, 1, seq: 5),
            Reading.Output("9", Noon, 1, seq: 9));
        Assert.Equal(5, (await _cluster.SnapshotAsync("line:ent-1/p1")).SeqGaps);

        await _cluster.IngestAsync("ent-1", "p1", Reading.Output("3", Noon, 1, seq: 3));
        Assert.Equal(4, (await _cluster.SnapshotAsync("line:ent-1/p1")).SeqGaps);
    }

    [Fact]
    public async Task Sensors_keep_the_newest_value_by_event_time()
    {
        await _cluster.IngestAsync("ent-1", "p1",
            Reading.Sensor("a", Noon, [new SensorValue("temp.c", 71.5), new SensorValue("rpm", 1200)]),
            Reading.Sensor("b", Noon.AddMinutes(-1), [new SensorValue("temp.c", 10)]));

        var sensors = (await _cluster.SnapshotAsync("line:ent-1/p1")).Sensors!;
        Assert.Equal(71.5, sensors["temp.c"]);
        Assert.Equal(1200, sensors["rpm"]);
    }

    [Fact]
    public async Task Snapshots_carry_names_plans_and_children()
    {
        await _cluster.IngestAsync("ent-3", "p1", Reading.Output("a", Noon, good: 3), Reading.StateChange("b", Noon, LineState.Idle));
        await _cluster.FlushAsync();

        var enterprise = await _cluster.SnapshotAsync("enterprise:ent-3");
        Assert.Equal("ent-3 企业", enterprise.Name);
        Assert.Equal("2026-03-10", enterprise.Day);
        Assert.Equal(new GoodAndTons(1000, 0m), enterprise.Plan);
        var p1 = enterprise.Children[0];
        Assert.Equal(("line:ent-3/p1", "p1 线", 3L, "idle"), (p1.Scope, p1.Name, p1.Today.Good, p1.State));
        Assert.Equal(["line:ent-3/p1", "line:ent-3/p2"], enterprise.Children.Select(c => c.Scope));

        var province = await _cluster.SnapshotAsync("region:prov");
        Assert.Equal(["region:city-a", "region:city-b"], province.Children.Select(c => c.Scope));
        Assert.Equal([0L, 3L], province.Children.Select(c => c.Today.Good));
        Assert.Null(province.State);
        Assert.Null(province.LastSeen);
        Assert.Empty((await _cluster.SnapshotAsync("line:ent-3/p1")).Children);
    }
}
