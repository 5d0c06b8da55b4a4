using OutputMonitor.Scopes;

namespace OutputMonitor.Rollup;

/// <summary>
/// The web nodes watching a grain, each until it fails to refresh its watch within the expiry (a
/// node that died). In memory: a new activation starts empty, and the nodes' next refresh fills it.
/// </summary>
internal sealed class WatcherSet(TimeSpan expiry)
{
    // Monotonic real time: the grain timers that use this run on it too.
    private readonly Dictionary<IScopeWatcher, long> _expiries = [];

    public int Count => _expiries.Count;

    /// <summary>Registers or refreshes; true when the watcher was not registered.</summary>
    public bool Refresh(IScopeWatcher watcher)
    {
        var known = _expiries.ContainsKey(watcher);
        _expiries[watcher] = Environment.TickCount64 + (long)expiry.TotalMilliseconds;
        return !known;
    }

    public void Remove(IScopeWatcher watcher) => _expiries.Remove(watcher);

    /// <summary>Drops the expired watchers and returns the others.</summary>
    public IReadOnlyList<IScopeWatcher> Live()
    {
        var now = Environment.TickCount64;
        foreach (var expired in _expiries.Where(w => w.Value < now).Select(w => w.Key).ToList())
        {
            _expiries.Remove(expired);
        }

        return [.. _expiries.Keys];
    }
}
