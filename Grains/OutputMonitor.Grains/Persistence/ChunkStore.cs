using Orleans.Storage;

namespace OutputMonitor.Persistence;

/// <summary>
/// Parts of one grain's state stored apart from it, each under a state name of its own, with the
/// ETag of each part this activation read or wrote (a stale or unknown one is read again).
/// </summary>
internal sealed class ChunkStore<T>(IGrainStorage storage, GrainId grain)
    where T : class
{
    private readonly Dictionary<string, string?> _etags = new(StringComparer.Ordinal);

    public GrainId Grain => grain;

    /// <summary>The stored part, or null when there is none.</summary>
    public async Task<T?> ReadAsync(string name)
    {
        var stored = new GrainState<T>();
        await storage.ReadStateAsync(name, grain, stored);
        _etags[name] = stored.ETag;
        return stored.RecordExists ? stored.State : null;
    }

    public async Task WriteAsync(string name, T content)
    {
        var state = new GrainState<T> { State = content, ETag = _etags.GetValueOrDefault(name) };
        try
        {
            await storage.WriteStateAsync(name, grain, state);
        }
        catch (InconsistentStateException)
        {
            // Written before a crash kept the grain's state from saying so: take its ETag and write again.
            state.ETag = await ReadETagAsync(name);
            await storage.WriteStateAsync(name, grain, state);
        }

        _etags[name] = state.ETag;
    }

    public async Task RemoveAsync(string name)
    {
        try
        {
            var stored = new GrainState<T> { ETag = _etags.TryGetValue(name, out var etag) ? etag : await ReadETagAsync(name) };
            await storage.ClearStateAsync(name, grain, stored);
        }
        finally
        {
            _etags.Remove(name);
        }
    }

    private async Task<string?> ReadETagAsync(string name)
    {
        var stored = new GrainState<T>();
        await storage.ReadStateAsync(name, grain, stored);
        return stored.ETag;
    }
}
