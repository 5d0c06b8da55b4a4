using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OutputMonitor.Rollup;
using OutputMonitor.Scopes;

namespace OutputMonitor.Alerts;

/// <summary>Passes alert changes to the watching web nodes; watchers expire like a scope's (<c>Rollup:WatcherExpiry</c>).</summary>
[Reentrant]
public sealed class AlertFeedGrain(IOptions<RollupOptions> options) : Grain, IAlertFeedGrain
{
    private readonly WatcherSet _watchers = new(options.Value.WatcherExpiry);

    public Task WatchAsync(IScopeWatcher watcher)
    {
        _watchers.Refresh(watcher);
        return Task.CompletedTask;
    }

    public Task PublishAsync(IReadOnlyList<Alert> alerts)
    {
        foreach (var watcher in _watchers.Live())
        {
            _ = watcher.OnAlertsAsync(alerts);
        }

        return Task.CompletedTask;
    }
}
