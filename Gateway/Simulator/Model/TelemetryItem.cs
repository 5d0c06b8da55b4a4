namespace OutputMonitor.Simulator.Model;

/// <summary>One telemetry object of spec/telemetry.md, before encoding. <see cref="TimestampMs"/> is epoch ms.</summary>
public abstract record TelemetryItem(SimLine Line, string Id, long? Seq, long TimestampMs)
{
    public abstract TelemetryChannel Channel { get; }

    public string Topic => Line.Topic(Channel);
}

/// <summary>Units produced since the previous message (a delta).</summary>
public sealed record OutputItem(SimLine Line, string Id, long? Seq, long TimestampMs, long Good, long Scrap)
    : TelemetryItem(Line, Id, Seq, TimestampMs)
{
    public override TelemetryChannel Channel => TelemetryChannel.Output;
}

public sealed record ShipmentItem(SimLine Line, string Id, long? Seq, long TimestampMs, double Tons, string Mode, string? From, string? To)
    : TelemetryItem(Line, Id, Seq, TimestampMs)
{
    public override TelemetryChannel Channel => TelemetryChannel.Shipment;
}

public sealed record StateItem(SimLine Line, string Id, long? Seq, long TimestampMs, LineState State, string? Reason)
    : TelemetryItem(Line, Id, Seq, TimestampMs)
{
    public override TelemetryChannel Channel => TelemetryChannel.State;
}

public sealed record SensorItem(SimLine Line, string Id, long? Seq, long TimestampMs, IReadOnlyList<SensorValue> Values)
    : TelemetryItem(Line, Id, Seq, TimestampMs)
{
    public override TelemetryChannel Channel => TelemetryChannel.Sensor;
}

public readonly record struct SensorValue(string Name, double Value);

/// <summary>The four line states of the contract.</summary>
public enum LineState
{
    Running,
    Idle,
    Down,
    Maintenance,
}

public static class LineStates
{
    public static string WireName(this LineState state) => state switch
    {
        LineState.Running => "running",
        LineState.Idle => "idle",
        LineState.Down => "down",
        _ => "maintenance",
    };
}
