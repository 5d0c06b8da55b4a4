using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OutputMonitor.Simulator.Model;

/// <summary>One MQTT message: a topic and its UTF-8 JSON payload (one object, or an array of <see cref="Items"/>).</summary>
public sealed record SimMessage(string Topic, byte[] Payload, int Items);

/// <summary>Writes items as the JSON of spec/telemetry.md and packs them into messages.</summary>
public static class TelemetryEncoder
{
    public const int MaxPayloadBytes = 256 * 1024;
    public const int MaxBatchItems = 1000;

    /// <summary>No item comes near this; a batch is closed before it could cross the limit.</summary>
    private const int MaxItemBytes = 16 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // "+08:00" and Chinese reasons as they are (valid JSON either way, readable in mosquitto_sub).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Encode(TelemetryItem item)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, item);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Packs items into messages: with <paramref name="batchSize"/> 1, one object per message;
    /// above 1, arrays of up to that many items of the same topic (in order), each within 256 KiB.
    /// </summary>
    public static void Pack(IReadOnlyList<TelemetryItem> items, int batchSize, List<SimMessage> messages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, MaxBatchItems);
        if (batchSize == 1)
        {
            foreach (var item in items)
            {
                messages.Add(new SimMessage(item.Topic, Encode(item), 1));
            }

            return;
        }

        var byTopic = new Dictionary<string, List<TelemetryItem>>(StringComparer.Ordinal);
        var order = new List<List<TelemetryItem>>();
        foreach (var item in items)
        {
            if (!byTopic.TryGetValue(item.Topic, out var group))
            {
                group = [];
                byTopic[item.Topic] = group;
                order.Add(group);
            }

            group.Add(item);
        }

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        foreach (var group in order)
        {
            var index = 0;
            while (index < group.Count)
            {
                buffer.ResetWrittenCount();
                var count = 0;
                using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    writer.WriteStartArray();
                    while (index < group.Count && count < batchSize && writer.BytesCommitted + writer.BytesPending < MaxPayloadBytes - MaxItemBytes)
                    {
                        Write(writer, group[index++]);
                        count++;
                    }

                    writer.WriteEndArray();
                }

                messages.Add(new SimMessage(group[0].Topic, buffer.WrittenSpan.ToArray(), count));
            }
        }
    }

    public static void Write(Utf8JsonWriter writer, TelemetryItem item)
    {
        writer.WriteStartObject();
        writer.WriteString("id", item.Id);
        if (item.Seq is { } seq)
        {
            writer.WriteNumber("seq", seq);
        }

        if (item.Line.EpochTimestamps)
        {
            writer.WriteNumber("ts", item.TimestampMs);
        }
        else
        {
            writer.WriteString("ts", FormatTimestamp(item.TimestampMs, item.Line.Zone));
        }

        switch (item)
        {
            case OutputItem output:
                writer.WriteNumber("good", output.Good);
                writer.WriteNumber("scrap", output.Scrap);
                break;
            case ShipmentItem shipment:
                writer.WriteNumber("tons", shipment.Tons);
                writer.WriteString("mode", shipment.Mode);
                if (shipment.From is not null)
                {
                    writer.WriteString("from", shipment.From);
                }

                if (shipment.To is not null)
                {
                    writer.WriteString("to", shipment.To);
                }

                break;
            case StateItem state:
                writer.WriteString("state", state.State.WireName());
                if (state.Reason is not null)
                {
                    writer.WriteString("reason", state.Reason);
                }

                break;
            case SensorItem sensor:
                writer.WriteStartObject("values");
                foreach (var value in sensor.Values)
                {
                    writer.WriteNumber(value.Name, value.Value);
                }

                writer.WriteEndObject();
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>RFC 3339 with milliseconds and the plant's UTC offset, e.g. <c>2026-03-26T08:15:03.120+08:00</c>.</summary>
    public static string FormatTimestamp(long epochMs, TimeZoneInfo zone)
    {
        var instant = DateTimeOffset.FromUnixTimeMilliseconds(epochMs);
        return instant.ToOffset(zone.GetUtcOffset(instant)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
    }
}
