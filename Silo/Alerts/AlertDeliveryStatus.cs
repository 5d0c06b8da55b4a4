using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OutputMonitor.Silo.Alerts;

/// <summary>
/// What alert delivery has done, per destination (<c>mqtt</c>, <c>webhook[0]</c>, …): for tests and
/// operators; also published as the <c>OutputMonitor.Alerts</c> meter, tagged <c>target</c>.
/// </summary>
public sealed class AlertDeliveryStatus : IDisposable
{
    public const string MeterName = "OutputMonitor.Alerts";

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<string, DeliveryCounts> _targets = new(StringComparer.Ordinal);

    public AlertDeliveryStatus()
    {
        _meter.CreateObservableCounter("om.alerts.delivered", () => Measure(c => c.Delivered), description: "alert changes a destination took");
        _meter.CreateObservableCounter("om.alerts.dropped", () => Measure(c => c.Dropped), description: "alert changes dropped, oldest first, because a destination's queue was full");
        _meter.CreateObservableCounter("om.alerts.failed", () => Measure(c => c.Failed), description: "alert changes given up: a webhook's last attempt failed, or the broker refused one");
        _meter.CreateObservableCounter("om.alerts.retries", () => Measure(c => c.Retries), description: "webhook attempts that failed and were retried");
    }

    /// <summary>The counts of one destination (zero until it did something).</summary>
    public DeliveryCounts For(string target) => _targets.GetOrAdd(target, _ => new DeliveryCounts());

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> Measure(Func<DeliveryCounts, long> read) =>
        _targets.Select(t => new Measurement<long>(read(t.Value), new KeyValuePair<string, object?>("target", t.Key)));
}

/// <summary>One destination's counts.</summary>
public sealed class DeliveryCounts
{
    private long _delivered;
    private long _dropped;
    private long _failed;
    private long _retries;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Failed => Interlocked.Read(ref _failed);

    public long Retries => Interlocked.Read(ref _retries);

    internal void AddDelivered() => Interlocked.Increment(ref _delivered);

    internal long AddDropped() => Interlocked.Increment(ref _dropped);

    internal void AddFailed() => Interlocked.Increment(ref _failed);

    internal void AddRetry() => Interlocked.Increment(ref _retries);
}
