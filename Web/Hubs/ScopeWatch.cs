using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using OutputMonitor.Alerts;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Web.Hosting;

namespace OutputMonitor.Web.Hubs;

/// <summary>
/// This web node's watch on the scopes its dashboards subscribed to: one <see cref="IScopeWatcher"/>
/// per node, registered with each watched scope's grain and refreshed periodically (which also
/// re-registers it with a grain that was reactivated after a silo failure, and resends that scope's
/// snapshot, since changes may have been missed). Snapshots go to the SignalR group of the scope;
/// alert changes, from the cluster's alert feed, to the groups of the alert's scope and every scope above it.
/// </summary>
public sealed partial class ScopeWatch(
    IGrainFactory grains,
    RegistryIndexCache registry,
    IHubContext<MonitorHub> hub,
    IOptions<DashboardOptions> options,
    ILogger<ScopeWatch> logger) : BackgroundService, IScopeWatcher
{
    private readonly Dictionary<ScopeId, int> _subscribers = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IScopeWatcher? _reference;

    // Created on first use: in the one-process start the silo is not up while services are built.
    private IScopeWatcher Reference => _reference ??= grains.CreateObjectReference<IScopeWatcher>(this);

    /// <summary>Scopes with at least one subscribed connection on this node.</summary>
    public IReadOnlyCollection<ScopeId> Watched
    {
        get
        {
            lock (_subscribers)
            {
                return [.. _subscribers.Keys];
            }
        }
    }

    public async Task AddAsync(ScopeId scope)
    {
        await _gate.WaitAsync();
        try
        {
            var count = _subscribers.GetValueOrDefault(scope);
            lock (_subscribers)
            {
                _subscribers[scope] = count + 1;
            }

            if (count == 0)
            {
                await grains.GetScopeGrain(scope).WatchAsync(Reference);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RemoveAsync(ScopeId scope)
    {
        await _gate.WaitAsync();
        try
        {
            var count = _subscribers.GetValueOrDefault(scope);
            if (count > 1)
            {
                lock (_subscribers)
                {
                    _subscribers[scope] = count - 1;
                }

                return;
            }

            lock (_subscribers)
            {
                _subscribers.Remove(scope);
            }

            if (count == 1)
            {
                await grains.GetScopeGrain(scope).UnwatchAsync(Reference);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task OnSnapshotAsync(ScopeSnapshot snapshot) =>
        ScopeId.TryParse(snapshot.Scope, out var scope)
            ? hub.Clients.Group(MonitorHub.GroupOf(scope)).SendAsync(MonitorHub.SnapshotMessage, snapshot)
            : Task.CompletedTask;

    public async Task OnAlertsAsync(IReadOnlyList<Alert> alerts)
    {
        var watched = Watched.ToHashSet();
        if (watched.Count == 0)
        {
            return;
        }

        var index = await registry.GetAsync();
        foreach (var alert in alerts)
        {
            if (ScopeId.TryParse(alert.Scope, out var scope))
            {
                var groups = index.ScopeAndAbove(scope).Where(watched.Contains).Select(MonitorHub.GroupOf).ToList();
                if (groups.Count > 0)
                {
                    await hub.Clients.Groups(groups).SendAsync(MonitorHub.AlertMessage, alert);
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.WatchRefresh);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Refreshes every watch; a grain that had forgotten this node gets its snapshot resent.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IAlertFeedGrain>(0).WatchAsync(Reference);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAlertFeedFailed(logger, ex);
        }

        foreach (var scope in Watched)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var grain = grains.GetScopeGrain(scope);
                if (await grain.WatchAsync(Reference) && await grain.GetSnapshotAsync() is { } snapshot)
                {
                    await OnSnapshotAsync(snapshot);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The cluster may be recovering; the next refresh tries again.
                LogRefreshFailed(logger, scope, ex);
            }
        }
    }

    public override void Dispose()
    {
        try
        {
            if (_reference is not null)
            {
                grains.DeleteObjectReference<IScopeWatcher>(_reference);
            }
        }
        catch (ArgumentException)
        {
            // The co-hosted silo stopped first and took its object references with it.
        }

        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching the alert feed failed; it is retried")]
    private static partial void LogAlertFeedFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the watch on {Scope} failed; it is retried")]
    private static partial void LogRefreshFailed(ILogger logger, ScopeId scope, Exception error);
}

/// <summary>Dashboard push settings (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>How often this node refreshes its watches; well inside <c>Rollup:WatcherExpiry</c>.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan WatchRefresh { get; set; } = TimeSpan.FromSeconds(10);
}
