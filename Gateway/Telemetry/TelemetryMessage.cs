using OutputMonitor.Telemetry;

namespace OutputMonitor.Gateway.Telemetry;

/// <summary>Why a message or a batch item was not taken.</summary>
/// <param name="Code">One of <see cref="RejectionCodes"/>.</param>
/// <param name="Reason">A short English reason that names the field; never more than a few words of the input.</param>
/// <param name="Index">The item's position in a batch; null for a single object or for the whole message.</param>
/// <param name="Payload">The offending item or message as text, cut at <see cref="TelemetryParser.MaxDeadLetterPayloadChars"/> chars.</param>
public sealed record Rejection(string Code, string Reason, int? Index, string Payload);

/// <summary>What one MQTT message held: the readings to take and the items to dead-letter.</summary>
/// <param name="Topic">The topic the message arrived on.</param>
/// <param name="Address">The line and channel of the topic; null when the topic is bad or a system topic.</param>
/// <param name="Readings">The valid items, in payload order.</param>
/// <param name="Rejections">The rejected items (or the whole message), in payload order.</param>
public sealed record TelemetryMessage(string Topic, TopicAddress? Address, IReadOnlyList<Reading> Readings, IReadOnlyList<Rejection> Rejections)
{
    /// <summary>True for the system's own output (<c>om/v1/deadletter/…</c>, <c>om/v1/alerts/…</c>): ignore it, never dead-letter it.</summary>
    public bool IsSystemTopic { get; init; }
}
