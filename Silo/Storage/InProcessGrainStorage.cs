using System.Collections.Concurrent;
using Orleans.Storage;

namespace OutputMonitor.Silo.Storage;

/// <summary>
/// Grain state in this process's memory, for the one-process start (one silo, localhost clustering).
/// Orleans' MemoryGrainStorage keeps state in a few storage grains, so every write is a grain call
/// queued behind every other grain's writes on that storage grain: at thousands of writes a second
/// it was the ingest path's bottleneck. Here a write serializes the state (Orleans' binary format,
/// as on Redis, so that a later change to the state cannot reach the stored copy) into a concurrent
/// dictionary. ETags are checked as a real store would. Not for clusters: each silo has its own.
/// </summary>
public sealed class InProcessGrainStorage(IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), Entry> _entries = new();
    private long _nextETag;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_entries.TryGetValue((stateName, grainId), out var entry))
        {
            grainState.State = serializer.Deserialize<T>(entry.Data);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.Serialize(grainState.State);
        var etag = Interlocked.Increment(ref _nextETag).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Replace(stateName, grainId, grainState.ETag, new Entry(data, etag));
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Replace(stateName, grainId, grainState.ETag, null);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>Sets or removes an entry if the caller's ETag is the stored one (null: nothing stored yet).</summary>
    private void Replace(string stateName, GrainId grainId, string? expectedETag, Entry? next)
    {
        var key = (stateName, grainId);
        while (true)
        {
            if (_entries.TryGetValue(key, out var current))
            {
                if (current.ETag != expectedETag)
                {
                    throw new InconsistentStateException($"ETag mismatch for {stateName} of {grainId}", current.ETag, expectedETag);
                }

                var replaced = next is null ? _entries.TryRemove(new KeyValuePair<(string, GrainId), Entry>(key, current)) : _entries.TryUpdate(key, next, current);
                if (replaced)
                {
                    return;
                }
            }
            else
            {
                if (expectedETag is not null)
                {
                    throw new InconsistentStateException($"{stateName} of {grainId} is not stored", null, expectedETag);
                }

                if (next is null || _entries.TryAdd(key, next))
                {
                    return;
                }
            }
        }
    }

    private sealed record Entry(BinaryData Data, string ETag);
}
