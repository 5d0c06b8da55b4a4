using System.ComponentModel.DataAnnotations;

namespace OutputMonitor.Gateway.Ingestion;

/// <summary>The ingestion pipeline (configuration section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// Lines are spread over this many ordered queues; each keeps its lines' order and has one call
    /// to the silo at a time, with whatever waited meanwhile. Fewer make fuller calls: at 30,000
    /// single-reading messages a second, 8 carried 8 % more than 32 for a third less gateway CPU.
    /// </summary>
    [Range(1, 1024)]
    public int Partitions { get; set; } = 8;

    /// <summary>Messages a partition holds before the MQTT handler waits (backpressure).</summary>
    [Range(16, 1_000_000)]
    public int PartitionCapacity { get; set; } = 4096;

    /// <summary>Messages a partition takes at once; their readings go in one call to the silo's ingest router.</summary>
    [Range(1, 100_000)]
    public int MaxMessagesPerBatch { get; set; } = 512;

    /// <summary>
    /// How long a partition's batch may wait for more messages before its call, from its oldest
    /// message; it waits only while messages keep coming (a tenth of this with none ends it). At
    /// 45,000 single-reading messages a second over 1,000 lines, 50 ms cut the silo's CPU per
    /// message by half. 0: a batch goes with what is waiting.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Readings per call at most, to the router and so to a line (a line with more gets several calls, in order).</summary>
    [Range(1, 100_000)]
    public int MaxReadingsPerCall { get; set; } = 2000;

    /// <summary>A failed grain call is retried with backoff up to this delay, until it succeeds or the gateway stops.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A stopping gateway leaves its shared subscription, so the broker sends its share to the other
    /// gateways: for a gateway removed for good. Off by default: a restarting gateway (or every one,
    /// stopped for maintenance) keeps it with its persistent session, and what devices publish
    /// meanwhile is queued for it instead of dropped.
    /// </summary>
    public bool LeaveGroupOnStop { get; set; }

    /// <summary>How long a stopping gateway finishes the messages it holds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
