using OutputMonitor.Rollup;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Lines;

[GenerateSerializer, SuppressReferenceTracking, Alias("om.LineGrainState")]
public sealed class LineGrainState : RollupState
{
    [Id(0)] public DedupeWindow Dedupe { get; set; } = new();
    [Id(1)] public StateTimeline Timeline { get; set; } = new();

    /// <summary>The newest event time received, Unix ms.</summary>
    [Id(2)] public long? LastSeen { get; set; }

    /// <summary>The highest <c>seq</c> seen per channel.</summary>
    [Id(3)] public Dictionary<TelemetryChannel, long> MaxSeq { get; set; } = [];
    [Id(4)] public long SeqGaps { get; set; }
    [Id(5)] public long Duplicates { get; set; }

    /// <summary>The newest value of each sensor, by event time.</summary>
    [Id(6)] public Dictionary<string, SensorSample> Sensors { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When telemetry last arrived, by the product's clock (Unix ms): what the stale rule watches, whatever the devices' clocks say.</summary>
    [Id(7)] public long? LastArrival { get; set; }
}

[GenerateSerializer, Immutable, Alias("om.SensorSample")]
public readonly record struct SensorSample([property: Id(0)] double Value, [property: Id(1)] long Timestamp);
