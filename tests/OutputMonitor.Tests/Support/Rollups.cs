using OutputMonitor.Registry;
using OutputMonitor.Scopes;

namespace OutputMonitor.Tests.Support;

public static class Rollups
{
    /// <summary>
    /// Pushes every line's changes to its enterprise, then every aggregate's upwards, bottom-up: an
    /// explicit signal in place of waiting for the push timers.
    /// </summary>
    public static async Task FlushAllAsync(IGrainFactory grains)
    {
        var index = new RegistryIndex(await grains.GetRegistryGrain().GetDocumentAsync());
        await Task.WhenAll(index.Configs.Keys.Where(s => s.Kind == ScopeKind.Line).Select(s => grains.GetScopeGrain(s).FlushAsync()));
        foreach (var scope in index.AggregatesBottomUp())
        {
            await grains.GetScopeGrain(scope).FlushAsync();
        }
    }
}
