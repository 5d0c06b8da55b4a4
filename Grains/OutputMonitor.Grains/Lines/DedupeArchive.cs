using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OutputMonitor.Lines;

/// <summary>
/// Stores a line's archived dedupe chunks in the grain storage, each under its own state name
/// (<c>line-dedupe-{key}</c>), apart from the line's state: written once when sealed (again only
/// when a later segment of the same hour joins it), read at activation, removed on expiry.
/// A chunk is written before the line's state stops holding its ids, so a crash in between leaves
/// the ids in both places, never in neither.
/// </summary>
internal sealed partial class DedupeArchive(IGrainStorage storage, GrainId grain, ILogger logger)
{
    // The ETag of each chunk this activation read or wrote; a stale or missing one is read again.
    private readonly Dictionary<long, string?> _etags = [];
    private Task? _archiving;

    public static string StateName(long key) => $"line-dedupe-{key.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Reads every archived chunk of <paramref name="window"/> into it, all at once (an activation waits for them).</summary>
    public async Task LoadAsync(DedupeWindow window)
    {
        var reads = await Task.WhenAll(window.Archived.Select(async chunk =>
        {
            var stored = new GrainState<DedupeSegment>();
            await storage.ReadStateAsync(StateName(chunk.Key), grain, stored);
            return (chunk, stored);
        }));
        foreach (var (chunk, stored) in reads)
        {
            if (stored.RecordExists && stored.State is { } content)
            {
                window.LoadChunk(chunk.Key, content.Hashes);
                _etags[chunk.Key] = stored.ETag;
            }
            else
            {
                LogChunkMissing(logger, grain, chunk.Key, chunk.Count);
            }
        }
    }

    /// <summary>Archives the sealed segments of <paramref name="window"/>; one archiving at a time (the line is reentrant).</summary>
    public Task ArchiveAsync(DedupeWindow window, long nowMilliseconds)
    {
        if (_archiving is { IsCompleted: false } running)
        {
            return running;
        }

        return window.HasSealed(nowMilliseconds) ? _archiving = ArchiveSealedAsync(window, nowMilliseconds) : Task.CompletedTask;
    }

    private async Task ArchiveSealedAsync(DedupeWindow window, long nowMilliseconds)
    {
        foreach (var segment in window.Sealed(nowMilliseconds).ToList())
        {
            var (key, content) = window.PlanArchive(segment);
            await WriteAsync(key, content);
            if (!window.CompleteArchive(segment, key) && !window.Archived.Any(c => c.Key == key))
            {
                // Expiry took the segment while it was written: the new chunk belongs to nobody.
                await RemoveAsync([key]);
            }
        }
    }

    /// <summary>Removes chunks that expiry dropped; a failure only leaves garbage behind, logged.</summary>
    public async Task RemoveAsync(IReadOnlyList<long> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                var stored = new GrainState<DedupeSegment> { ETag = await ETagAsync(key) };
                await storage.ClearStateAsync(StateName(key), grain, stored);
                _etags.Remove(key);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _etags.Remove(key);
                LogRemoveFailed(logger, grain, key, ex);
            }
        }
    }

    private async Task WriteAsync(long key, DedupeSegment content)
    {
        var state = new GrainState<DedupeSegment> { State = content, ETag = _etags.GetValueOrDefault(key) };
        try
        {
            await storage.WriteStateAsync(StateName(key), grain, state);
        }
        catch (InconsistentStateException)
        {
            // Written before a crash kept the line's state from saying so: take its ETag and write again.
            state.ETag = await ReadETagAsync(key);
            await storage.WriteStateAsync(StateName(key), grain, state);
        }

        _etags[key] = state.ETag;
    }

    private async Task<string?> ETagAsync(long key) => _etags.TryGetValue(key, out var etag) ? etag : await ReadETagAsync(key);

    private async Task<string?> ReadETagAsync(long key)
    {
        var stored = new GrainState<DedupeSegment>();
        await storage.ReadStateAsync(StateName(key), grain, stored);
        return stored.ETag;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dedupe chunk {Key} of {Grain} ({Count} ids) is not in storage: a repeat of those ids would be counted again")]
    private static partial void LogChunkMissing(ILogger logger, GrainId grain, long key, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove expired dedupe chunk {Key} of {Grain}; it stays in storage unused")]
    private static partial void LogRemoveFailed(ILogger logger, GrainId grain, long key, Exception exception);
}
