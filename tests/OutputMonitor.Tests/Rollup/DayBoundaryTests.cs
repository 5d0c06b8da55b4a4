using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Rollup;

/// <summary>"Today" is the plant day in the region's IANA zone, at every level.</summary>
public class DayBoundaryTests
{
    private static readonly string[] Scopes = ["line:ent-1/p1", "enterprise:ent-1", "region:city-a", "region:prov", "chain:chain-x"];

    [Fact]
    public async Task The_day_rolls_over_at_local_midnight_in_Shanghai()
    {
        var beforeMidnight = new DateTimeOffset(2026, 6, 30, 23, 59, 0, TimeSpan.FromHours(8));
        var time = new FakeTimeProvider(beforeMidnight);
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), time);

        await cluster.IngestAsync("ent-1", "p1", Reading.Output("a", beforeMidnight, good: 100));
        await cluster.FlushAsync();
        foreach (var scope in Scopes)
        {
            var snapshot = await cluster.SnapshotAsync(scope);
            Assert.Equal(("2026-06-30", 100L), (snapshot.Day, snapshot.Today.Good));
        }

        // 16:00 UTC is midnight in Shanghai.
        time.SetUtcNow(new DateTimeOffset(2026, 6, 30, 16, 0, 0, TimeSpan.Zero));
        await cluster.IngestAsync("ent-1", "p1", Reading.Output("b", time.GetUtcNow(), good: 7));
        await cluster.FlushAsync();
        foreach (var scope in Scopes)
        {
            var snapshot = await cluster.SnapshotAsync(scope);
            Assert.Equal(("2026-07-01", 7L), (snapshot.Day, snapshot.Today.Good));
        }

        var enterprise = await cluster.SnapshotAsync("enterprise:ent-1");
        Assert.Equal(7, enterprise.Children.Single(c => c.Scope == "line:ent-1/p1").Today.Good);
    }

    [Fact]
    public async Task A_spring_forward_day_in_Berlin_has_23_hours_and_keeps_its_readings()
    {
        // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST.
        var day = new DateOnly(2026, 3, 29);
        var zone = PlantCalendar.GetZone("Europe/Berlin");
        var start = PlantCalendar.DayStart(day, zone);
        var end = PlantCalendar.DayEnd(day, zone);
        Assert.Equal(TimeSpan.FromHours(23), end - start);

        var time = new FakeTimeProvider(end.AddMinutes(-1));
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small("Europe/Berlin"), time);
        await cluster.IngestAsync("ent-1", "p1",
            Reading.StateChange("s", start, LineState.Running),
            Reading.Output("first", start, good: 1),
            Reading.Output("before-gap", new DateTimeOffset(2026, 3, 29, 1, 59, 59, TimeSpan.FromHours(1)), good: 10),
            Reading.Output("after-gap", new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)), good: 100),
            Reading.Output("last", end.AddMilliseconds(-1), good: 1000),
            Reading.Output("next-day", end, good: 10000),
            Reading.Output("previous-day", start.AddMilliseconds(-1), good: 100000));
        await cluster.FlushAsync();

        foreach (var scope in Scopes)
        {
            var snapshot = await cluster.SnapshotAsync(scope);
            Assert.Equal(("2026-03-29", 1111L), (snapshot.Day, snapshot.Today.Good));
            var days = (await cluster.Grains.GetScopeGrain(ScopeId.Parse(scope)).GetHistoryAsync(HistoryStep.Day, start.AddDays(-2), end.AddDays(2)))!.Points;
            Assert.Equal([(start.AddHours(-24), 100000L), (start, 1111L), (end, 10000L)], days.Select(p => (p.T, p.Good)));
        }

        // Running all of a 23-hour day so far (one minute before its end).
        var line = await cluster.SnapshotAsync("line:ent-1/p1");
        Assert.Equal(23 * 3600 - 60, line.TimeInState!["running"]);
        Assert.Equal(1.0, line.Oee!.Availability);
    }

    [Fact]
    public async Task A_fall_back_day_in_Berlin_has_25_hours()
    {
        // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET.
        var day = new DateOnly(2026, 10, 25);
        var zone = PlantCalendar.GetZone("Europe/Berlin");
        var start = PlantCalendar.DayStart(day, zone);
        var end = PlantCalendar.DayEnd(day, zone);
        Assert.Equal(TimeSpan.FromHours(25), end - start);

        var time = new FakeTimeProvider(end.AddMinutes(-30));
        await using var cluster = await MonitorCluster.StartAsync(TestRegistry.Small("Europe/Berlin"), time);

        // 02:30 happens twice; both are the same plant day.
        await cluster.IngestAsync("ent-1", "p1",
            Reading.Output("first-0230", new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)), good: 1),
            Reading.Output("second-0230", new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(1)), good: 2),
            Reading.Output("late-evening", end.AddMinutes(-45), good: 4));
        await cluster.FlushAsync();

        Assert.Equal(7, (await cluster.SnapshotAsync("region:prov")).Today.Good);
        var hours = (await cluster.Grains.GetScopeGrain(ScopeId.Parse("line:ent-1/p1")).GetHistoryAsync(HistoryStep.Hour, start, end))!.Points;
        Assert.Equal(3, hours.Count);
    }
}
