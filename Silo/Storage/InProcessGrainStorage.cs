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
    // One slot per state, locked alone: writes of different grains never wait for each other.
    private readonly ConcurrentDictionary<(string State, GrainId Grain), Slot> _slots = new();
    private long _nextETag;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Entry? entry = null;
        if (_slots.TryGetValue((stateName, grainId), out var slot))
        {
            lock (slot)
            {
                entry = slot.Current;
            }
        }

        if (entry is not null)
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

    /// <summary>Sets or removes the entry if the caller's ETag is the stored one (null: nothing stored yet).</summary>
    private void Replace(string stateName, GrainId grainId, string? expectedETag, Entry? next)
    {
        var slot = _slots.GetOrAdd((stateName, grainId), static _ => new Slot());
        lock (slot)
        {
            if (slot.Current?.ETag != expectedETag)
            {
                throw new InconsistentStateException($"ETag mismatch for {stateName} of {grainId}", slot.Current?.ETag, expectedETag);
            }

            slot.Current = next;
        }
    }

    private sealed class Slot
    {
        public Entry? Current { get; set; }
    }

    private sealed record Entry(BinaryData Data, string ETag);
}
