using OutputMonitor.Registry;
using OutputMonitor.Scopes;

namespace OutputMonitor.Gateway.Ingestion;

/// <summary>
/// The gateway's copy of the registry, to dead-letter unknown lines without waking a grain for each.
/// A miss reloads it (at most once a second), so a line added through the API counts at once; the
/// line grain stays the authority for lines removed since.
/// </summary>
internal sealed class RegistryCache(IGrainFactory grains, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan MinReloadInterval = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private RegistryIndex? _index;
    private long _version = -1;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public void Dispose() => _reload.Dispose();

    public async ValueTask<bool> IsKnownLineAsync(string enterprise, string line)
    {
        if (_index?.ContainsLine(enterprise, line) == true)
        {
            return true;
        }

        if (_index is null || time.GetUtcNow() - _checkedAt >= MinReloadInterval)
        {
            await ReloadAsync();
        }

        return _index?.ContainsLine(enterprise, line) == true;
    }

    private async Task ReloadAsync()
    {
        await _reload.WaitAsync();
        try
        {
            if (_index is not null && time.GetUtcNow() - _checkedAt < MinReloadInterval)
            {
                return;
            }

            var registry = grains.GetRegistryGrain();
            var version = await registry.GetVersionAsync();
            if (version != _version || _index is null)
            {
                _index = new RegistryIndex(await registry.GetDocumentAsync());
                _version = version;
            }

            _checkedAt = time.GetUtcNow();
        }
        finally
        {
            _reload.Release();
        }
    }
}
