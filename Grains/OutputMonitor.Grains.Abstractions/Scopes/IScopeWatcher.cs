using Orleans.Concurrency;
using OutputMonitor.Alerts;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Scopes;

/// <summary>
/// A web node watching scopes for its dashboards (an <see cref="IGrainObserver"/>, one per node).
/// A watched scope sends its snapshot when it changed, at most once per
/// <c>Rollup:SnapshotInterval</c> (250 ms: spec/api.md's 4 a second).
/// </summary>
public interface IScopeWatcher : IGrainObserver
{
    /// <summary>A changed snapshot. One-way: a slow or vanished web node never holds a grain up.</summary>
    [OneWay]
    Task OnSnapshotAsync(ScopeSnapshot snapshot);

    /// <summary>Alerts that were raised, acknowledged or cleared anywhere (from the <see cref="IAlertFeedGrain"/>).</summary>
    [OneWay]
    Task OnAlertsAsync(IReadOnlyList<Alert> alerts);
}
