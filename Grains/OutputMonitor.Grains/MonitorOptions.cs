using System.ComponentModel.DataAnnotations;

namespace OutputMonitor;

/// <summary>How figures travel up the hierarchy and how long history is kept (configuration section <c>Rollup</c>).</summary>
public sealed class RollupOptions
{
    public const string Section = "Rollup";

    /// <summary>How often a scope pushes its changes to its parents. Each level adds up to this much delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long an aggregate's state write waits to take in more pushes before it starts: fewer
    /// writes of a big state, for this much more delay on the way up.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan AggregateWriteLinger { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The shortest time between two snapshots a watched scope sends (spec/api.md: at most 4 a second).</summary>
    [Range(typeof(TimeSpan), "00:00:00.250", "00:01:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A watcher that has not refreshed its watch for this long is dropped (a web node that died).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan WatcherExpiry { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromHours(48);

    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan HourRetention { get; set; } = TimeSpan.FromDays(90);

    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan DayRetention { get; set; } = TimeSpan.FromDays(731);

    /// <summary>Ids are remembered at least this long after first seen.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most ids one line remembers; beyond it the oldest hour is forgotten early (bounded memory).</summary>
    [Range(1_000, 100_000_000)]
    public int MaxDedupeIdsPerLine { get; set; } = 2_000_000;
}

/// <summary>How often alert rules are evaluated (configuration section <c>Alerts</c>; its delivery settings share it).</summary>
public sealed class AlertRuleOptions
{
    public const string Section = "Alerts";

    /// <summary>
    /// Each line and enterprise with rules evaluates them this often, by a reminder: a line that
    /// never sends again still goes stale on time, also after a restart.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan EvaluateInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// When the registry is first loaded, activate every line and enterprise once so that each has
    /// its reminder, and a line that never reports at all goes stale too.
    /// </summary>
    public bool WatchAllAtStart { get; set; } = true;
}

/// <summary>The registry file (configuration section <c>Registry</c>).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>The registry JSON file; the shipped demo registry when unset.</summary>
    public string? Path { get; set; }
}

/// <summary>Names shared by the grains and their hosts.</summary>
public static class MonitorServices
{
    /// <summary>
    /// The key of the <see cref="TimeProvider"/> the grains read the time from. Keyed, so that tests
    /// can fake the product's clock without faking the Orleans runtime's.
    /// </summary>
    public const string ClockKey = "outputmonitor";

    /// <summary>The grain storage every OutputMonitor grain uses.</summary>
    public const string StorageName = "outputmonitor";
}
