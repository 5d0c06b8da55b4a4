using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OutputMonitor.Scopes;

namespace OutputMonitor.Alerts;

/// <summary>Passes alert changes to the watching web nodes; watchers expire like a scope's (<c>Rollup:WatcherExpiry</c>).</summary>
[Reentrant]
public sealed class AlertFeedGrain(IOptions<RollupOptions> options) : Grain, IAlertFeedGrain
{
    private readonly Dictionary<IScopeWatcher, long> _watchers = [];

    public Task WatchAsync(IScopeWatcher watcher)
    {
        _watchers[watcher] = Environment.TickCount64 + (long)options.Value.WatcherExpiry.TotalMilliseconds;
        return Task.CompletedTask;
    }

    public Task PublishAsync(IReadOnlyList<Alert> alerts)
    {
        var now = Environment.TickCount64;
        foreach (var expired in _watchers.Where(w => w.Value < now).Select(w => w.Key).ToList())
        {
            _watchers.Remove(expired);
        }

        foreach (var watcher in _watchers.Keys)
        {
            _ = watcher.OnAlertsAsync(alerts);
        }

        return Task.CompletedTask;
    }
}
