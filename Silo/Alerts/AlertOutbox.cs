using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OutputMonitor.Alerts;

namespace OutputMonitor.Silo.Alerts;

/// <summary>An alert change as every destination sends it: the contract's JSON, serialized once.</summary>
internal sealed record AlertChange(Alert Alert, byte[] Json);

/// <summary>
/// One destination's queue of alert changes and the worker that delivers them one at a time, in
/// order. The queue is bounded and drops the oldest change when full (counted and logged): a
/// destination that is down costs at most that much memory, and adding to it never waits.
/// </summary>
internal abstract partial class AlertOutbox
{
    private readonly Channel<AlertChange> _queue;
    private readonly ILogger _logger;

    protected AlertOutbox(string target, int queueLimit, AlertDeliveryStatus status, ILogger logger)
    {
        Target = target;
        Counts = status.For(target);
        _logger = logger;
        _queue = Channel.CreateBounded<AlertChange>(
            new BoundedChannelOptions(queueLimit) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            OnDropped);
    }

    /// <summary><c>mqtt</c> or <c>webhook[i]</c>: the metrics' tag, and the name in logs.</summary>
    public string Target { get; }

    protected DeliveryCounts Counts { get; }

    protected ILogger Logger => _logger;

    /// <summary>Never waits: a full queue makes room by dropping its oldest change.</summary>
    public void Enqueue(AlertChange change) => _queue.Writer.TryWrite(change);

    /// <summary>Delivers queued changes until stopped.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var change in _queue.Reader.ReadAllAsync(stopping))
            {
                try
                {
                    await DeliverAsync(change, stopping);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    // A bug, not a delivery failure (those are handled below): the next change still goes.
                    Counts.AddFailed();
                    LogDeliveryCrashed(_logger, Target, change.Alert.Id, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: what is still queued is not delivered; the alert books remain the record.
        }
    }

    /// <summary>Delivers one change, retrying as the destination needs; returns once it is delivered or given up.</summary>
    protected abstract Task DeliverAsync(AlertChange change, CancellationToken stopping);

    private void OnDropped(AlertChange change)
    {
        var dropped = Counts.AddDropped();
        if (dropped % 100 == 1)
        {
            LogDropped(_logger, Target, change.Alert.Id, dropped);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert delivery to {Target}: its queue (Alerts:QueueLimit) is full, the oldest change (alert {AlertId}) was dropped; {Dropped} dropped so far")]
    private static partial void LogDropped(ILogger logger, string target, string alertId, long dropped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert delivery to {Target} failed unexpectedly for alert {AlertId}")]
    private static partial void LogDeliveryCrashed(ILogger logger, string target, string alertId, Exception exception);
}
