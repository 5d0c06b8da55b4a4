using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace OutputMonitor.Telemetry;

/// <summary>The four channels of spec/telemetry.md.</summary>
public enum TelemetryChannel : byte
{
    Output,
    Shipment,
    State,
    Sensor,
}

/// <summary>A line's state; <see cref="Unknown"/> until the first state message.</summary>
public enum LineState : byte
{
    Unknown,
    Running,
    Idle,
    Down,
    Maintenance,
}

public static class LineStates
{
    public static string? ToWire(LineState state) => state switch
    {
        LineState.Running => "running",
        LineState.Idle => "idle",
        LineState.Down => "down",
        LineState.Maintenance => "maintenance",
        _ => null,
    };

    public static bool TryParse(string? text, out LineState state)
    {
        state = text switch
        {
            "running" => LineState.Running,
            "idle" => LineState.Idle,
            "down" => LineState.Down,
            "maintenance" => LineState.Maintenance,
            _ => LineState.Unknown,
        };
        return state != LineState.Unknown;
    }
}

/// <summary>One validated telemetry item for one line, as the gateway hands it to the line grain.</summary>
/// <remarks>
/// The message id crosses the wire as its 64-bit <see cref="Key"/> only: dedupe is all the grain uses it for, and
/// the id string cost more to send and read than the rest of the reading. Fields at their default are not sent.
/// Upgrade silos before gateways: an older silo takes a reading without an id as one with an empty id, a duplicate
/// of every other on its channel.
/// </remarks>
[GenerateSerializer, SuppressReferenceTracking, Immutable, OmitDefaultMemberValues, Alias("om.Reading")]
public sealed record Reading
{
    // What was sent or set as the key; see Key for readings that carry an id instead.
    [Id(10)] private readonly ulong _key;

    /// <summary>
    /// The message id, as gateways before <see cref="Key"/> sent it (without a key). Readings made now carry the key
    /// alone; an id is still taken, so that a silo upgraded before its gateways counts their readings right.
    /// </summary>
    [Id(0)] public string? Id { get; init; }

    /// <summary>Event time, Unix epoch milliseconds (UTC).</summary>
    [Id(1)] public required long Timestamp { get; init; }
    [Id(2)] public required TelemetryChannel Channel { get; init; }
    [Id(3)] public long? Seq { get; init; }

    /// <summary>Output: good units since the previous message.</summary>
    [Id(4)] public long Good { get; init; }

    /// <summary>Output: scrapped units since the previous message.</summary>
    [Id(5)] public long Scrap { get; init; }

    /// <summary>Shipment: tons shipped in this event.</summary>
    [Id(6)] public decimal Tons { get; init; }

    /// <summary>State channel: the new state.</summary>
    [Id(7)] public LineState State { get; init; }
    [Id(8)] public string? Reason { get; init; }

    /// <summary>Sensor channel: the values by name.</summary>
    [Id(9)] public IReadOnlyList<SensorValue>? Values { get; init; }

    /// <summary>
    /// The dedupe key of the message id, unique per line and channel: <see cref="KeyOf"/>(channel, id), or, for a
    /// reading with an <see cref="Id"/> (an older gateway's), the key of that id.
    /// </summary>
    public ulong Key
    {
        get => Id is null ? _key : KeyOf(Channel, Id);
        init => _key = value;
    }

    /// <summary>
    /// XxHash3 of the id's UTF-16 chars, seeded with the channel + 1. Line grains keep these values in their dedupe
    /// windows for a day or more: changing the function makes a redelivered message count twice.
    /// </summary>
    public static ulong KeyOf(TelemetryChannel channel, ReadOnlySpan<char> id) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id), (long)channel + 1);

    public static Reading Output(string id, DateTimeOffset timestamp, long good, long scrap = 0, long? seq = null) =>
        new() { Key = KeyOf(TelemetryChannel.Output, id), Timestamp = timestamp.ToUnixTimeMilliseconds(), Channel = TelemetryChannel.Output, Good = good, Scrap = scrap, Seq = seq };

    public static Reading Shipment(string id, DateTimeOffset timestamp, decimal tons, long? seq = null) =>
        new() { Key = KeyOf(TelemetryChannel.Shipment, id), Timestamp = timestamp.ToUnixTimeMilliseconds(), Channel = TelemetryChannel.Shipment, Tons = tons, Seq = seq };

    public static Reading StateChange(string id, DateTimeOffset timestamp, LineState state, string? reason = null, long? seq = null) =>
        new() { Key = KeyOf(TelemetryChannel.State, id), Timestamp = timestamp.ToUnixTimeMilliseconds(), Channel = TelemetryChannel.State, State = state, Reason = reason, Seq = seq };

    public static Reading Sensor(string id, DateTimeOffset timestamp, IReadOnlyList<SensorValue> values, long? seq = null) =>
        new() { Key = KeyOf(TelemetryChannel.Sensor, id), Timestamp = timestamp.ToUnixTimeMilliseconds(), Channel = TelemetryChannel.Sensor, Values = values, Seq = seq };
}

[GenerateSerializer, Immutable, Alias("om.SensorValue")]
public readonly record struct SensorValue([property: Id(0)] string Name, [property: Id(1)] double Value);

/// <summary>What a line grain did with a batch.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.IngestResult")]
public sealed record IngestResult
{
    [Id(0)] public int Accepted { get; init; }
    [Id(1)] public int Duplicates { get; init; }

    /// <summary>True when the line is not in the registry: nothing was taken (code <c>unknown_line</c>).</summary>
    [Id(2)] public bool UnknownLine { get; init; }
}
