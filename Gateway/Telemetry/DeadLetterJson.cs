using System.Buffers;
using System.Globalization;
using System.Text.Json;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Gateway.Telemetry;

/// <summary>The dead-letter wire format of spec/telemetry.md, for <see cref="DeadLetter"/> (shared with the grains and the API).</summary>
public static class DeadLetterJson
{
    public static DeadLetter Create(TelemetryMessage message, Rejection rejection, DateTimeOffset receivedAt) =>
        new(rejection.Code, rejection.Reason, message.Topic, rejection.Index, rejection.Payload, receivedAt);

    /// <summary>
    /// <c>{ "code", "reason", "topic", "index" (omitted when null), "payload", "receivedAt" }</c>, receivedAt in
    /// RFC 3339 UTC with milliseconds (<c>2026-11-22T06:15:03.120Z</c>).
    /// </summary>
    public static byte[] Serialize(DeadLetter deadLetter)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (deadLetter.Payload?.Length ?? 0) + (deadLetter.Topic?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("code"u8, deadLetter.Code);
            writer.WriteString("reason"u8, deadLetter.Reason);
            writer.WriteString("topic"u8, deadLetter.Topic);
            if (deadLetter.Index is { } index)
            {
                writer.WriteNumber("index"u8, index);
            }

            writer.WriteString("payload"u8, deadLetter.Payload);
            writer.WriteString("receivedAt"u8, FormatTime(deadLetter.ReceivedAt));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A payload as dead letters carry it: UTF-8 decoded (invalid bytes become U+FFFD), cut at
    /// <see cref="TelemetryParser.MaxDeadLetterPayloadChars"/> chars without splitting a surrogate pair.
    /// </summary>
    public static string PayloadExcerpt(ReadOnlySequence<byte> payload) =>
        Utf8Payload.Excerpt(payload, TelemetryParser.MaxDeadLetterPayloadChars);

    /// <summary>RFC 3339 in UTC with milliseconds and <c>Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
