namespace OutputMonitor.Alerts;

/// <summary>
/// Takes alert changes beyond the cluster (MQTT, webhooks) once the alert book has made them
/// durable. Queues and returns: it never blocks and never throws, so a broker or webhook that is
/// down or slow cannot hold up the book, the rules or ingestion. Each silo has one.
/// </summary>
public interface IAlertDispatcher
{
    /// <param name="changes">The alerts as the book now holds them, in the order they changed.</param>
    void Dispatch(IReadOnlyList<Alert> changes);
}
