using OutputMonitor.Registry;
using OutputMonitor.Scopes;

namespace OutputMonitor.Web.Hosting;

/// <summary>
/// The registry's index on this web node, rebuilt only when the registry's version changed: one
/// small grain call per use instead of fetching and indexing the whole registry (100k lines) each time.
/// </summary>
public sealed class RegistryIndexCache(IGrainFactory grains)
{
    private volatile Cached? _cached;

    public async Task<RegistryIndex> GetAsync()
    {
        var registry = grains.GetRegistryGrain();
        var version = await registry.GetVersionAsync();
        if (_cached is { } cached && cached.Version == version)
        {
            return cached.Index;
        }

        var index = new RegistryIndex(await registry.GetDocumentAsync());
        _cached = new Cached(version, index);
        return index;
    }

    private sealed record Cached(long Version, RegistryIndex Index);
}
