using OutputMonitor.Lines;
using OutputMonitor.Persistence;
using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Tests.Units;

public class ScopeIdTests
{
    [Theory]
    [InlineData("region:henan")]
    [InlineData("chain:biomedical")]
    [InlineData("enterprise:joincare")]
    [InlineData("line:joincare/api-line-2")]
    public void Scopes_round_trip(string text) => Assert.Equal(text, ScopeId.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("henan")]
    [InlineData("region:")]
    [InlineData("region:Henan")]
    [InlineData("planet:earth")]
    [InlineData("line:joincare")]
    [InlineData("line:/x")]
    [InlineData("line:a/b/c")]
    [InlineData("enterprise:../../etc")]
    [InlineData("region:a\u0000")]
    [InlineData("region:acme\n")]
    public void Malformed_scopes_are_refused(string text) => Assert.False(ScopeId.TryParse(text, out _));
}

public class BucketSetTests
{
    [Fact]
    public void Readings_fall_into_their_minute_hour_and_day()
    {
        var buckets = new BucketSet();
        var t = new DateTimeOffset(2026, 1, 1, 10, 59, 59, 999, TimeSpan.Zero).ToUnixTimeMilliseconds();
        buckets.Add(t, 100, new Totals(1, 0, 0, 0));
        buckets.Add(t + 1, 100, new Totals(2, 0, 0, 0));

        Assert.Equal([BucketSet.MinuteOf(t), BucketSet.MinuteOf(t) + 1], buckets.Minutes.Keys.Order());
        Assert.Equal([BucketSet.HourOf(t), BucketSet.HourOf(t) + 1], buckets.Hours.Keys.Order());
        Assert.Equal(3, buckets.Day(100).Good);
    }

    [Fact]
    public void Negative_times_floor_rather_than_truncate() => Assert.Equal(-1, BucketSet.MinuteOf(-1));

    [Fact]
    public void Adding_the_negation_leaves_nothing()
    {
        var buckets = new BucketSet();
        buckets.Add(1_000_000, 5, new Totals(3, 1, 2.5m, 7m));
        var copy = buckets.Clone();
        buckets.AddAll(copy, negate: true);
        Assert.True(buckets.IsEmpty);
        Assert.False(copy.IsEmpty);
    }

    [Fact]
    public void Pruning_drops_only_buckets_below_the_limits()
    {
        var buckets = new BucketSet();
        buckets.Add(0, 1, new Totals(1, 0, 0, 0));
        buckets.Add(2 * BucketSet.MillisecondsPerHour, 2, new Totals(1, 0, 0, 0));
        buckets.Prune(minMinute: 60, minHour: 1, minDay: 2);
        Assert.Single(buckets.Minutes);
        Assert.Single(buckets.Hours);
        Assert.Equal([2], buckets.Days.Keys);
    }

    [Fact]
    public void Sums_of_minutes_include_both_ends()
    {
        var buckets = new BucketSet();
        for (var minute = 0; minute < 10; minute++)
        {
            buckets.Add(minute * BucketSet.MillisecondsPerMinute, 0, new Totals(1, 0, 0, 0));
        }

        Assert.Equal(4, buckets.SumMinutes(3, 6).Good);
        Assert.Equal(10, buckets.SumMinutes(-100, 100).Good);
    }
}

public class StateTimelineTests
{
    [Fact]
    public void Durations_split_at_the_window_edges_and_use_the_state_in_force()
    {
        var timeline = new StateTimeline();
        timeline.Add(5_000, LineState.Down);
        timeline.Add(0, LineState.Running);
        timeline.Add(8_000, LineState.Running);

        var durations = timeline.Durations(2_000, 10_000);
        Assert.Equal(3 + 2, durations[LineState.Running]);
        Assert.Equal(3, durations[LineState.Down]);
        Assert.Equal(LineState.Running, timeline.Current!.Value.State);
        Assert.Equal(LineState.Unknown, timeline.StateAt(-1));
    }

    [Fact]
    public void Pruning_keeps_the_state_in_force_at_the_cut()
    {
        var timeline = new StateTimeline();
        timeline.Add(0, LineState.Idle);
        timeline.Add(10, LineState.Running);
        timeline.Add(20, LineState.Down);
        timeline.Prune(15);
        Assert.Equal([10L, 20L], timeline.Changes.Select(c => c.Timestamp));
        Assert.Equal(LineState.Running, timeline.StateAt(15));
    }
}

public class DedupeWindowTests
{
    private const long Hour = 3_600_000;

    [Fact]
    public void An_id_is_forgotten_only_after_the_whole_window()
    {
        var window = new DedupeWindow();
        var hash = Reading.KeyOf(TelemetryChannel.Output, "m-1");
        Assert.True(window.TryAdd(hash, 10 * Hour + 59 * 60_000));

        window.Expire(10 * Hour + 59 * 60_000 + 24 * Hour - 1, TimeSpan.FromHours(24), 1_000_000);
        Assert.False(window.TryAdd(hash, 35 * Hour));

        window.Expire(11 * Hour + 24 * Hour, TimeSpan.FromHours(24), 1_000_000);
        Assert.True(window.TryAdd(hash, 35 * Hour));
    }

    [Fact]
    public void The_cap_forgets_the_oldest_hour_first()
    {
        var window = new DedupeWindow();
        for (var i = 0; i < 10; i++)
        {
            window.TryAdd(Reading.KeyOf(TelemetryChannel.Output, $"old-{i}"), 0);
        }

        for (var i = 0; i < 10; i++)
        {
            window.TryAdd(Reading.KeyOf(TelemetryChannel.Output, $"new-{i}"), Hour);
        }

        window.Expire(Hour, TimeSpan.FromHours(24), maxIds: 15);
        Assert.Equal(10, window.Count);
        Assert.Equal(10, window.EvictedEarly);
        Assert.False(window.TryAdd(Reading.KeyOf(TelemetryChannel.Output, "new-3"), Hour));
    }

    [Fact]
    public void A_segment_is_sealed_when_full_or_when_its_hour_ends()
    {
        var window = new DedupeWindow();
        Add(window, "a", 2_500, 10 * Hour);

        Assert.Equal([1024, 1024], window.Sealed(10 * Hour).Select(s => s.Hashes.Count));
        Assert.Equal(3, window.Sealed(11 * Hour).Count);
    }

    [Fact]
    public void Archived_ids_leave_the_state_but_stay_known_and_a_chunk_takes_its_hours_segments_until_full()
    {
        var window = new DedupeWindow();
        Add(window, "a", 20_000, 10 * Hour);
        ArchiveAll(window, 10 * Hour);

        // 19 full segments went: 16 into the first chunk, then a second chunk began; 544 ids stay open.
        Assert.Equal([16 * 1024, 3 * 1024], window.Archived.Select(c => c.Count));
        Assert.Equal(544, Assert.Single(window.Segments).Hashes.Count);
        Assert.Equal(20_000, window.Count);
        Assert.False(window.TryAdd(Reading.KeyOf(TelemetryChannel.Output, "a-0"), 10 * Hour));
        Assert.False(window.TryAdd(Reading.KeyOf(TelemetryChannel.Output, "a-19000"), 10 * Hour));
    }

    [Fact]
    public void A_window_read_back_with_its_chunks_knows_every_id()
    {
        var window = new DedupeWindow();
        Add(window, "a", 3_000, 10 * Hour);
        var chunks = ArchiveAll(window, 10 * Hour);

        var reloaded = new DedupeWindow { Segments = [DedupeSegment.Of(10, [.. window.Segments[0].Hashes])], Archived = [.. window.Archived], NextChunk = window.NextChunk };
        foreach (var (key, content) in chunks)
        {
            reloaded.LoadChunk(key, content.Hashes);
        }

        Assert.Equal(3_000, reloaded.Count);
        Assert.False(reloaded.TryAdd(Reading.KeyOf(TelemetryChannel.Output, "a-5"), 10 * Hour));
        Assert.True(reloaded.TryAdd(Reading.KeyOf(TelemetryChannel.Output, "a-3000"), 10 * Hour));
    }

    [Fact]
    public void Expiry_drops_whole_chunks_and_names_them_for_removal()
    {
        var window = new DedupeWindow();
        Add(window, "old", 2_000, 10 * Hour);
        ArchiveAll(window, 11 * Hour);
        Add(window, "new", 10, 12 * Hour);

        Assert.Empty(window.Expire(10 * Hour + 24 * Hour, TimeSpan.FromHours(24), 1_000_000));
        var dropped = window.Expire(11 * Hour + 24 * Hour, TimeSpan.FromHours(24), 1_000_000);

        Assert.Equal([0L], dropped);
        Assert.Empty(window.Archived);
        Assert.Equal(10, window.Count);
        Assert.True(window.TryAdd(Reading.KeyOf(TelemetryChannel.Output, "old-1"), 35 * Hour));
    }

    private static void Add(DedupeWindow window, string prefix, int count, long now)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(window.TryAdd(Reading.KeyOf(TelemetryChannel.Output, $"{prefix}-{i}"), now));
        }
    }

    /// <summary>What <c>DedupeArchive</c> does, with a dictionary for the storage.</summary>
    private static Dictionary<long, DedupeSegment> ArchiveAll(DedupeWindow window, long now)
    {
        var stored = new Dictionary<long, DedupeSegment>();
        foreach (var segment in window.Sealed(now).ToList())
        {
            var (key, content) = window.PlanArchive(segment);
            stored[key] = content;
            Assert.True(window.CompleteArchive(segment, key));
        }

        return stored;
    }

    [Fact]
    public void Channel_and_id_both_make_the_hash() =>
        Assert.NotEqual(Reading.KeyOf(TelemetryChannel.Output, "a"), Reading.KeyOf(TelemetryChannel.State, "a"));
}

public class PlantCalendarTests
{
    [Fact]
    public void Shanghai_days_start_at_16_utc() =>
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 16, 0, 0, TimeSpan.Zero), PlantCalendar.DayStart(new DateOnly(2026, 1, 2), PlantCalendar.GetZone("Asia/Shanghai")));

    [Fact]
    public void Where_midnight_does_not_exist_the_day_starts_at_the_first_valid_time()
    {
        // Cuba springs forward at midnight: 2026-03-08 starts at 01:00 CDT.
        var zone = PlantCalendar.GetZone("America/Havana");
        var start = PlantCalendar.DayStart(new DateOnly(2026, 3, 8), zone);
        Assert.Equal(new DateTime(2026, 3, 8, 1, 0, 0), TimeZoneInfo.ConvertTime(start, zone).DateTime);
    }

    [Theory]
    [InlineData("day", "2026-03-18", "2026-03-18", "2026-03-19")]
    [InlineData("week", "2026-03-18", "2026-03-16", "2026-03-23")]
    [InlineData("month", "2026-02-18", "2026-02-01", "2026-03-01")]
    [InlineData("year", "2026-12-31", "2026-01-01", "2027-01-01")]
    public void Periods_have_calendar_boundaries(string period, string day, string start, string end)
    {
        Assert.Equal(DateOnly.Parse(start), PlantCalendar.PeriodStart(period, DateOnly.Parse(day)));
        Assert.Equal(DateOnly.Parse(end), PlantCalendar.PeriodEnd(period, DateOnly.Parse(day)));
    }
}

public class PlanMathTests
{
    [Fact]
    public void A_daily_figure_wins_over_longer_periods() =>
        Assert.Equal(new GoodAndTons(10, 32877m), PlanMath.PerDay(new PlanDefinition { GoodPerDay = 10, GoodPerYear = 1, TonsPerDay = 32877, TonsPerMonth = 1_000_000 }, new DateOnly(2026, 2, 1)));

    [Fact]
    public void Monthly_and_yearly_plans_spread_over_their_days()
    {
        Assert.Equal(new GoodAndTons(100, 35714.286m), PlanMath.PerDay(new PlanDefinition { GoodPerMonth = 2800, TonsPerMonth = 1_000_000 }, new DateOnly(2026, 2, 10)));
        Assert.Equal(32786.885m, PlanMath.PerDay(new PlanDefinition { TonsPerYear = 12_000_000 }, new DateOnly(2028, 7, 1)).Tons);
        Assert.Equal(default, PlanMath.PerDay(null, new DateOnly(2026, 1, 1)));
    }

    [Fact]
    public void Oee_is_the_product_of_its_factors_and_never_divides_by_zero()
    {
        Assert.Equal(new OeeFigures(0.5, 0.8, 0.75, 0.3), PlanMath.Oee(runningSeconds: 3600, plannedSeconds: 7200, idealUnitsInRunningTime: 100, good: 60, scrap: 20));
        Assert.Equal(new OeeFigures(0, 0, 0, 0), PlanMath.Oee(0, 0, 0, 0, 0));
    }
}

public class CoalescedWriterTests
{
    [Fact]
    public async Task Callers_during_a_write_share_the_next_one_and_writes_never_overlap()
    {
        var gates = new List<TaskCompletionSource>();
        var concurrent = 0;
        var maxConcurrent = 0;
        var writer = new CoalescedWriter(async () =>
        {
            maxConcurrent = Math.Max(maxConcurrent, Interlocked.Increment(ref concurrent));
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gates)
            {
                gates.Add(gate);
            }

            await gate.Task;
            Interlocked.Decrement(ref concurrent);
        });

        var first = writer.WriteAsync();
        var second = writer.WriteAsync();
        var third = writer.WriteAsync();
        Assert.Same(second, third);
        Assert.Single(gates);
        Assert.False(first.IsCompleted);

        gates[0].SetResult();
        await first;
        await WaitForAsync(() => gates.Count == 2);
        Assert.False(second.IsCompleted);
        gates[1].SetResult();
        await second;
        Assert.Equal(1, maxConcurrent);
        Assert.Equal(2, gates.Count);
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers_and_the_next_write_still_runs()
    {
        var calls = 0;
        var writer = new CoalescedWriter(() => ++calls == 1 ? Task.FromException(new IOException("disk")) : Task.CompletedTask);
        await Assert.ThrowsAsync<IOException>(writer.WriteAsync);
        await writer.WriteAsync();
        Assert.Equal(2, calls);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Yield();
        }
    }
}
