using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OutputMonitor.Persistence;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Rollup;

public enum HistoryResolution : byte
{
    Minute,
    Hour,
    Day,
}

/// <summary>
/// A fixed range of one resolution's buckets, archived together: 3 hours of minutes, 5 days of
/// hours, 32 plant days. A scope's state keeps only the open ranges, so a write costs the same
/// after two years as after a day.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.HistoryChunkKey")]
public readonly record struct HistoryChunkKey([property: Id(0)] HistoryResolution Resolution, [property: Id(1)] long Index)
{
    public const int MinutesPerChunk = 180;
    public const int HoursPerChunk = 120;
    public const int DaysPerChunk = 32;

    public int Size => Resolution switch
    {
        HistoryResolution.Minute => MinutesPerChunk,
        HistoryResolution.Hour => HoursPerChunk,
        _ => DaysPerChunk,
    };

    public long FirstBucket => Index * Size;

    /// <summary>The first bucket after the range.</summary>
    public long EndBucket => FirstBucket + Size;

    public string StateName => string.Create(CultureInfo.InvariantCulture, $"history-{"mhd"[(int)Resolution]}-{Index}");

    public static HistoryChunkKey Of(HistoryResolution resolution, long bucket)
    {
        var size = new HistoryChunkKey(resolution, 0).Size;
        return new(resolution, bucket >= 0 ? bucket / size : -((-bucket + size - 1) / size));
    }
}

/// <summary>One archived chunk: its buckets (minute, hour or day keys) and the generation, one more with every fold.</summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.HistoryChunk")]
public sealed class HistoryChunk
{
    [Id(0)] public long Generation { get; init; }
    [Id(1)] public Dictionary<long, Totals> Buckets { get; init; } = [];
}

/// <summary>
/// Moves a scope's closed history out of its state into chunks stored apart (state names
/// <c>history-{m|h|d}-{index}</c>), and reads them back at activation. A fold takes a closed range's
/// buckets out of <see cref="RollupState.Recent"/> into <see cref="RollupState.Folding"/> in one
/// turn; once a state write holding that has finished, the chunk is written, and then the fold is
/// done. Late figures for an archived range collect in Recent until the next fold of that chunk.
/// </summary>
internal sealed partial class HistoryArchive(IGrainStorage storage, GrainId grain, ILogger logger)
{
    private readonly ChunkStore<HistoryChunk> _chunks = new(storage, grain);

    /// <summary>Builds the whole history: Recent, the chunks being folded, and every archived chunk read back.</summary>
    public async Task LoadAsync(RollupState state)
    {
        var reads = await Task.WhenAll(state.HistoryChunks
            .Where(chunk => !state.Folding.ContainsKey(chunk.Key))
            .Select(async chunk => (chunk.Key, Generation: chunk.Value, Content: await _chunks.ReadAsync(chunk.Key.StateName))));
        foreach (var (key, generation, content) in reads)
        {
            if (content is null)
            {
                LogChunkMissing(logger, grain, key.StateName);
                continue;
            }

            if (content.Generation != generation)
            {
                LogChunkGeneration(logger, grain, key.StateName, content.Generation, generation);
            }

            Add(state.Buckets, key, content.Buckets);
        }

        foreach (var (key, content) in state.Folding)
        {
            Add(state.Buckets, key, content.Buckets);
        }
    }

    /// <summary>
    /// Takes every closed range that has buckets in <see cref="RollupState.Recent"/> (and is not
    /// being folded already) out of it into <see cref="RollupState.Folding"/>, with the range's
    /// whole content. The history as a whole is unchanged. True when anything was planned.
    /// </summary>
    public static bool PlanFolds(RollupState state, long nowMilliseconds, int today)
    {
        var planned = false;
        var recent = state.Recent;
        planned |= Plan(state, HistoryResolution.Minute, recent.Minutes, BucketSet.MinuteOf(nowMilliseconds) - 60);
        planned |= Plan(state, HistoryResolution.Hour, recent.Hours, BucketSet.HourOf(nowMilliseconds) - 1);
        planned |= Plan(state, HistoryResolution.Day, recent.Days, today - 1);
        return planned;
    }

    /// <summary>Writes the chunks being folded; each fold that reached storage is done (the state's next write records it).</summary>
    public async Task WriteFoldsAsync(RollupState state)
    {
        foreach (var (key, content) in state.Folding.ToList())
        {
            await _chunks.WriteAsync(key.StateName, content);
            if (state.Folding.TryGetValue(key, out var current) && ReferenceEquals(current, content))
            {
                state.Folding.Remove(key);
                state.HistoryChunks[key] = content.Generation;
            }
        }
    }

    /// <summary>
    /// Drops what is past retention: buckets from the whole history and from the recent set, and the
    /// chunks wholly past it, which are returned, to be removed from storage.
    /// </summary>
    public static List<HistoryChunkKey> Prune(RollupState state, long nowMilliseconds, int today, RollupOptions retention)
    {
        var minMinute = BucketSet.MinuteOf(nowMilliseconds - (long)retention.MinuteRetention.TotalMilliseconds);
        var minHour = BucketSet.HourOf(nowMilliseconds - (long)retention.HourRetention.TotalMilliseconds);
        var minDay = today - (int)retention.DayRetention.TotalDays;
        state.Buckets.Prune(minMinute, minHour, minDay);
        state.Recent.Prune(minMinute, minHour, minDay);
        return Expire(state, minMinute, minHour, minDay);
    }

    /// <summary>
    /// Forgets the chunks wholly past retention (the buckets themselves are pruned from the
    /// history by <see cref="BucketSet.Prune"/>); returns them, to be removed from storage once
    /// the state no longer names them.
    /// </summary>
    public static List<HistoryChunkKey> Expire(RollupState state, long minMinute, long minHour, int minDay)
    {
        var expired = state.HistoryChunks.Keys.Concat(state.Folding.Keys)
            .Where(key => key.EndBucket <= key.Resolution switch
            {
                HistoryResolution.Minute => minMinute,
                HistoryResolution.Hour => minHour,
                _ => minDay,
            })
            .Distinct()
            .ToList();
        foreach (var key in expired)
        {
            state.HistoryChunks.Remove(key);
            state.Folding.Remove(key);
        }

        return expired;
    }

    /// <summary>Removes expired chunks from storage; a failure only leaves garbage behind, logged.</summary>
    public async Task RemoveAsync(IReadOnlyList<HistoryChunkKey> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                await _chunks.RemoveAsync(key.StateName);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRemoveFailed(logger, grain, key.StateName, ex);
            }
        }
    }

    private static bool Plan<TKey>(RollupState state, HistoryResolution resolution, Dictionary<TKey, Totals> recent, long closedBefore)
        where TKey : struct, IConvertible
    {
        Dictionary<HistoryChunkKey, List<TKey>>? closed = null;
        foreach (var bucket in recent.Keys)
        {
            var key = HistoryChunkKey.Of(resolution, bucket.ToInt64(CultureInfo.InvariantCulture));
            if (key.EndBucket <= closedBefore && !state.Folding.ContainsKey(key))
            {
                closed ??= [];
                if (!closed.TryGetValue(key, out var buckets))
                {
                    closed[key] = buckets = [];
                }

                buckets.Add(bucket);
            }
        }

        if (closed is null)
        {
            return false;
        }

        var whole = Resolution(state.Buckets, resolution);
        foreach (var (key, buckets) in closed)
        {
            var content = new HistoryChunk { Generation = state.HistoryChunks.GetValueOrDefault(key) + 1 };
            for (var bucket = key.FirstBucket; bucket < key.EndBucket; bucket++)
            {
                if (whole(bucket) is { } totals)
                {
                    content.Buckets[bucket] = totals;
                }
            }

            state.Folding[key] = content;
            foreach (var bucket in buckets)
            {
                recent.Remove(bucket);
            }
        }

        return true;
    }

    /// <summary>A lookup of one resolution's buckets by a key widened to long.</summary>
    private static Func<long, Totals?> Resolution(BucketSet buckets, HistoryResolution resolution) => resolution switch
    {
        HistoryResolution.Minute => key => buckets.Minutes.TryGetValue(key, out var t) ? t : null,
        HistoryResolution.Hour => key => buckets.Hours.TryGetValue(key, out var t) ? t : null,
        _ => key => buckets.Days.TryGetValue((int)key, out var t) ? t : null,
    };

    private static void Add(BucketSet whole, HistoryChunkKey key, Dictionary<long, Totals> buckets)
    {
        var delta = new BucketSet();
        foreach (var (bucket, totals) in buckets)
        {
            switch (key.Resolution)
            {
                case HistoryResolution.Minute:
                    delta.Minutes[bucket] = totals;
                    break;
                case HistoryResolution.Hour:
                    delta.Hours[bucket] = totals;
                    break;
                default:
                    delta.Days[(int)bucket] = totals;
                    break;
            }
        }

        whole.AddAll(delta);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "History chunk {Name} of {Grain} is not in storage: that range's history is missing")]
    private static partial void LogChunkMissing(ILogger logger, GrainId grain, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History chunk {Name} of {Grain} is generation {Stored}, the state expects {Expected}; the stored one is used")]
    private static partial void LogChunkGeneration(ILogger logger, GrainId grain, string name, long stored, long expected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove expired history chunk {Name} of {Grain}; it stays in storage unused")]
    private static partial void LogRemoveFailed(ILogger logger, GrainId grain, string name, Exception exception);
}
