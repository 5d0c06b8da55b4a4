using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Orleans.Storage;
using OutputMonitor.Lines;
using OutputMonitor.Rollup;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Rollup;

/// <summary>
/// Closed history ranges leave a scope's state for chunks stored apart, so that a write costs the
/// same after months as after a day; the history read back is the history written.
/// </summary>
public sealed class HistoryArchiveTests : IAsyncLifetime
{
    // 12:00 in Shanghai on 2026-03-10.
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.FromHours(8));
    private readonly FakeTimeProvider _time = new(Noon);
    private MonitorCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MonitorCluster.StartAsync(TestRegistry.Small(), _time);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IGrainStorage Storage => _cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(MonitorServices.StorageName);

    [Fact]
    public async Task Closed_ranges_leave_the_stored_state_and_the_history_comes_back_whole_after_deactivation()
    {
        var line = _cluster.Grains.GetLineGrain("ent-1", "p1");

        // Three days, one reading every 10 minutes (late data is the grain's to take).
        await line.IngestAsync([.. Enumerable.Range(0, 3 * 24 * 6).Select(k => Reading.Output($"h-{k}", Noon.AddMinutes(-10 * k), good: (k % 7) + 1))]);
        await FoldAsync(line);
        var before = await HistoryAsync(line);

        var stored = await StoredStateAsync(line);
        Assert.NotEmpty(stored.HistoryChunks);
        Assert.Empty(stored.Folding);
        // Only the open ranges stay: at most two 3-hour ranges of minutes (the last hour is never closed), not 48 hours of them.
        Assert.InRange(stored.Recent.Minutes.Count, 1, 2 * 18);
        Assert.Contains(stored.HistoryChunks.Keys, key => key.Resolution == HistoryResolution.Minute);

        await _cluster.DeactivateAllAsync();
        var after = await HistoryAsync(line);
        Assert.Equal(before.Select(Points), after.Select(Points));
        Assert.Equal(before[2][^1].Good, (await _cluster.SnapshotAsync("line:ent-1/p1")).Today.Good);
    }

    [Fact]
    public async Task Late_figures_for_an_archived_range_are_folded_into_its_chunk_and_survive_reactivation()
    {
        var line = _cluster.Grains.GetLineGrain("ent-1", "p1");
        var earlier = Noon.AddHours(-30);
        await line.IngestAsync([Reading.Output("a", earlier, good: 5), Reading.Output("b", Noon, good: 1)]);
        await FoldAsync(line);
        var key = HistoryChunkKey.Of(HistoryResolution.Minute, BucketSet.MinuteOf(earlier.ToUnixTimeMilliseconds()));
        Assert.Equal(1, (await StoredStateAsync(line)).HistoryChunks[key]);

        await line.IngestAsync([Reading.Output("late", earlier.AddSeconds(10), good: 7)]);
        Assert.Equal(7, (await StoredStateAsync(line)).Recent.Minutes.Values.Sum(t => t.Good) - 1);
        await FoldAsync(line);
        var stored = await StoredStateAsync(line);
        Assert.Equal(2, stored.HistoryChunks[key]);
        Assert.DoesNotContain(BucketSet.MinuteOf(earlier.ToUnixTimeMilliseconds()), stored.Recent.Minutes.Keys);

        await _cluster.DeactivateAllAsync();
        var minutes = (await line.GetHistoryAsync(HistoryStep.Minute, earlier.AddMinutes(-1), earlier.AddMinutes(1)))!.Points;
        Assert.Equal(12, Assert.Single(minutes).Good);
    }

    [Fact]
    public async Task A_crash_between_the_state_write_and_the_chunk_write_loses_nothing_and_counts_nothing_twice()
    {
        var grain = GrainId.Create("test", "history-crash");
        var archive = new HistoryArchive(Storage, grain, NullLogger.Instance);
        var copier = _cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<DeepCopier>();
        var nowMs = Noon.ToUnixTimeMilliseconds();
        var state = new LineGrainState();
        for (var k = 0; k < 600; k++)
        {
            var ts = nowMs - (k * 300_000L);
            state.AddToHistory(ts, PlantCalendar.LocalDate(ts, PlantCalendar.GetZone("Asia/Shanghai")).DayNumber, new Totals(k + 1, 0, 0m, k));
        }

        var whole = copier.Copy(state.Buckets);
        Assert.True(HistoryArchive.PlanFolds(state, nowMs, PlantCalendar.LocalDate(Noon, PlantCalendar.GetZone("Asia/Shanghai")).DayNumber));
        Assert.NotEmpty(state.Folding);
        Assert.Equal(Flatten(whole), Flatten(state.Buckets));

        // 1. The state with the folds was written, the chunks were not (a crash): the folds are the history.
        var written = copier.Copy(state);
        await AssertLoadsAsync(written, whole);

        // 2. The chunks were written, the state that says so was not: the folds still count, once.
        await archive.WriteFoldsAsync(state);
        Assert.Empty(state.Folding);
        await AssertLoadsAsync(written, whole);

        // 3. Both written: the chunks are read back.
        await AssertLoadsAsync(copier.Copy(state), whole);

        async Task AssertLoadsAsync(LineGrainState stored, BucketSet expected)
        {
            var loaded = copier.Copy(stored);
            await new HistoryArchive(Storage, grain, NullLogger.Instance).LoadAsync(loaded);
            Assert.Equal(Flatten(expected), Flatten(loaded.Buckets));
        }
    }

    [Fact]
    public void Chunks_past_retention_are_forgotten_and_ranges_are_fixed_on_the_calendar()
    {
        var state = new LineGrainState();
        state.HistoryChunks[new HistoryChunkKey(HistoryResolution.Minute, 10)] = 1;
        state.HistoryChunks[new HistoryChunkKey(HistoryResolution.Minute, 11)] = 1;
        state.Folding[new HistoryChunkKey(HistoryResolution.Day, 1)] = new HistoryChunk { Generation = 1 };

        var expired = HistoryArchive.Expire(state, minMinute: 11 * HistoryChunkKey.MinutesPerChunk, minHour: 0, minDay: 2 * HistoryChunkKey.DaysPerChunk);

        Assert.Equal([new HistoryChunkKey(HistoryResolution.Minute, 10), new HistoryChunkKey(HistoryResolution.Day, 1)], expired.OrderBy(k => k.Resolution));
        Assert.Equal([new HistoryChunkKey(HistoryResolution.Minute, 11)], state.HistoryChunks.Keys);
        Assert.Empty(state.Folding);
        Assert.Equal(new HistoryChunkKey(HistoryResolution.Hour, -1), HistoryChunkKey.Of(HistoryResolution.Hour, -1));
        Assert.Equal(new HistoryChunkKey(HistoryResolution.Minute, 1), HistoryChunkKey.Of(HistoryResolution.Minute, HistoryChunkKey.MinutesPerChunk));
        Assert.Equal("history-d-3", new HistoryChunkKey(HistoryResolution.Day, 3).StateName);
    }

    /// <summary>Runs the grain's maintenance (a minute later) and waits until its folds are stored and recorded.</summary>
    private async Task FoldAsync(ILineGrain line)
    {
        _time.Advance(TimeSpan.FromMinutes(1.5));
        await line.IngestAsync([Reading.Output($"tick-{_time.GetUtcNow().ToUnixTimeMilliseconds()}", _time.GetUtcNow(), good: 0)]);
        await Eventually.HoldsAsync(async () => (await StoredStateAsync(line)) is { Folding.Count: 0, HistoryChunks.Count: > 0 }, TimeSpan.FromSeconds(10), "the folds are stored and recorded");
    }

    private async Task<LineGrainState> StoredStateAsync(ILineGrain line)
    {
        var stored = new GrainState<LineGrainState>();
        await Storage.ReadStateAsync("line", line.GetGrainId(), stored);
        return stored.State ?? throw new InvalidOperationException("no stored line state");
    }

    private static async Task<List<HistoryPoint>[]> HistoryAsync(ILineGrain line) =>
    [
        .. await Task.WhenAll(new[] { HistoryStep.Minute, HistoryStep.Hour, HistoryStep.Day }.Select(async step =>
            (await line.GetHistoryAsync(step, Noon.AddDays(-10), Noon.AddDays(1)))!.Points.ToList())),
    ];

    private static string Points(List<HistoryPoint> points) => string.Join(";", points.Select(p => $"{p.T:O}={p.Good}"));

    private static string Flatten(BucketSet buckets) => string.Join(";",
        buckets.Minutes.OrderBy(b => b.Key).Select(b => $"m{b.Key}={b.Value.Good}")
            .Concat(buckets.Hours.OrderBy(b => b.Key).Select(b => $"h{b.Key}={b.Value.Good}"))
            .Concat(buckets.Days.OrderBy(b => b.Key).Select(b => $"d{b.Key}={b.Value.Good}")));
}
