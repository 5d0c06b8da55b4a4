using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OutputMonitor.Persistence;

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
    private readonly ChunkStore<DedupeSegment> _chunks = new(storage, grain);
    private Task? _archiving;

    public static string StateName(long key) => $"line-dedupe-{key.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Reads every archived chunk of <paramref name="window"/> into it, all at once (an activation waits for them).</summary>
    public async Task LoadAsync(DedupeWindow window)
    {
        var reads = await Task.WhenAll(window.Archived.Select(async chunk => (chunk, content: await _chunks.ReadAsync(StateName(chunk.Key)))));
        foreach (var (chunk, content) in reads)
        {
            if (content is not null)
            {
                window.LoadChunk(chunk.Key, content.Hashes);
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
            await _chunks.WriteAsync(StateName(key), content);
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
                await _chunks.RemoveAsync(StateName(key));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRemoveFailed(logger, grain, key, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dedupe chunk {Key} of {Grain} ({Count} ids) is not in storage: a repeat of those ids would be counted again")]
    private static partial void LogChunkMissing(ILogger logger, GrainId grain, long key, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove expired dedupe chunk {Key} of {Grain}; it stays in storage unused")]
    private static partial void LogRemoveFailed(ILogger logger, GrainId grain, long key, Exception exception);
}
