using System.Globalization;
using Wire = OutputMonitor.Telemetry;

namespace OutputMonitor.Simulator.Model;

/// <summary>One telemetry object of spec/telemetry.md, before encoding. <see cref="TimestampMs"/> is epoch ms.</summary>
public abstract record TelemetryItem(SimLine Line, string Id, long? Seq, long TimestampMs)
{
    public abstract TelemetryChannel Channel { get; }

    public string Topic => Line.Topic(Channel);

    protected DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);

    /// <summary>The reading the gateway makes of this item (for grain tests that skip MQTT).</summary>
    public abstract Wire.Reading ToReading();
}

/// <summary>Units produced since the previous message (a delta).</summary>
public sealed record OutputItem(SimLine Line, string Id, long? Seq, long TimestampMs, long Good, long Scrap)
    : TelemetryItem(Line, Id, Seq, TimestampMs)
{
    public override TelemetryChannel Channel => TelemetryChannel.Output;

    public override Wire.Reading ToReading() => Wire.Reading.Output(Id, Timestamp, Good, Scrap, Seq);
}

public sealed record ShipmentItem(SimLine Line, string Id, long? Seq, long TimestampMs, double Tons, string Mode, string? From, string? To)
    : TelemetryItem(Line, Id, Seq, TimestampMs)
{
    public override TelemetryChannel Channel => TelemetryChannel.Shipment;

    // The JSON number the encoder writes (the shortest round-trip form), read as the gateway reads it.
    public override Wire.Reading ToReading() =>
        Wire.Reading.Shipment(Id, Timestamp, decimal.Parse(Tons.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture), Seq);
}

public sealed record StateItem(SimLine Line, string Id, long? Seq, long TimestampMs, LineState State, string? Reason)
    : TelemetryItem(Line, Id, Seq, TimestampMs)
{
    public override TelemetryChannel Channel => TelemetryChannel.State;

    public override Wire.Reading ToReading() =>
        Wire.Reading.StateChange(Id, Timestamp, Wire.LineStates.TryParse(State.WireName(), out var state) ? state : Wire.LineState.Unknown, Reason, Seq);
}

public sealed record SensorItem(SimLine Line, string Id, long? Seq, long TimestampMs, IReadOnlyList<SensorValue> Values)
    : TelemetryItem(Line, Id, Seq, TimestampMs)
{
    public override TelemetryChannel Channel => TelemetryChannel.Sensor;

    public override Wire.Reading ToReading() => Wire.Reading.Sensor(Id, Timestamp, [.. Values.Select(v => new Wire.SensorValue(v.Name, v.Value))], Seq);
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
