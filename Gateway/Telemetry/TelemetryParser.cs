using System.Buffers;
using System.Text;
using System.Text.Json;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Gateway.Telemetry;

/// <summary>
/// Parses and validates one MQTT message against spec/telemetry.md: every item becomes a <see cref="Reading"/> or a
/// <see cref="Rejection"/> with a code and a reason. Pure and thread-safe; reads the payload in one pass with
/// <see cref="Utf8JsonReader"/> and never throws.
/// </summary>
public sealed class TelemetryParser(TimeProvider clock)
{
    public const int MaxPayloadBytes = 256 * 1024;
    public const int MaxBatchItems = 1000;
    public const int MaxDeadLetterPayloadChars = 4096;

    /// <summary>Deepest nesting accepted: a payload with more levels of objects and arrays is malformed.</summary>
    public const int MaxDepth = 16;

    public const int MaxIdChars = 128;
    public const int MaxTextChars = 200;
    public const int MaxSensorValues = 64;
    public const int MaxSensorNameChars = 64;
    public const long MaxUnits = 1_000_000;
    public const decimal MaxTons = 1_000_000m;

    /// <summary>How far <c>ts</c> may be ahead of the server clock.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    /// <summary>How far <c>ts</c> may be behind the server clock.</summary>
    public static readonly TimeSpan MaxBehind = TimeSpan.FromDays(7);

    // One level more than allowed, so that the parser (not the reader) reports the depth with its own reason.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth + 1 };

    private enum Field
    {
        Unknown,
        Id,
        Ts,
        Seq,
        Good,
        Scrap,
        Tons,
        Mode,
        From,
        To,
        State,
        Reason,
        Values,
    }

    /// <summary>Parses one message; any input, however hostile, gives readings and rejections, never an exception.</summary>
    public TelemetryMessage Parse(string topic, ReadOnlySequence<byte> payload)
    {
        topic ??= string.Empty;
        if (TelemetryTopics.IsSystemTopic(topic))
        {
            return new TelemetryMessage(topic, null, [], []) { IsSystemTopic = true };
        }

        if (!TelemetryTopics.TryParse(topic, out var address, out var topicReason))
        {
            return Whole(topic, null, RejectionCodes.BadTopic, topicReason, payload);
        }

        if (payload.Length > MaxPayloadBytes)
        {
            return Whole(topic, address, RejectionCodes.PayloadTooLarge, $"payload is {payload.Length} bytes; the limit is {MaxPayloadBytes}", payload);
        }

        var json = Utf8Payload.WithoutByteOrderMark(payload);
        if (json.IsEmpty)
        {
            return Whole(topic, address, RejectionCodes.MalformedJson, "payload is empty", payload);
        }

        if (!Utf8Payload.IsValidUtf8(json))
        {
            return Whole(topic, address, RejectionCodes.MalformedJson, "payload is not valid UTF-8", payload);
        }

        try
        {
            return ParseJson(topic, address, json, clock.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch (JsonException ex)
        {
            var reason = ex.LineNumber is { } line
                ? $"payload is not valid JSON (line {line + 1}, byte {ex.BytePositionInLine + 1})"
                : ex.Message;
            return Whole(topic, address, RejectionCodes.MalformedJson, reason, payload);
        }
        catch (Exception ex)
        {
            // Not expected on any input; dead-lettered rather than thrown so that the flow never stops.
            return Whole(topic, address, RejectionCodes.MalformedJson, $"payload could not be parsed ({ex.GetType().Name})", payload);
        }
    }

    private static TelemetryMessage ParseJson(string topic, TopicAddress address, ReadOnlySequence<byte> json, long now)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            var start = reader.TokenStartIndex;
            var outcome = ReadItem(ref reader, address.Channel, now);
            var end = reader.BytesConsumed;
            EndOfPayload(ref reader);
            return outcome.Reading is { } reading
                ? new TelemetryMessage(topic, address, [reading], [])
                : new TelemetryMessage(topic, address, [], [Reject(outcome.Fault!, null, json.Slice(start, end - start))]);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return Whole(topic, address, RejectionCodes.MalformedJson, "payload must be a JSON object or an array of objects", json);
        }

        var readings = new List<Reading>();
        List<Rejection>? rejections = null;
        var index = 0;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (index == MaxBatchItems)
            {
                return Whole(topic, address, RejectionCodes.PayloadTooLarge, $"batch has more than {MaxBatchItems} items", json);
            }

            var start = reader.TokenStartIndex;
            Fault? fault;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var outcome = ReadItem(ref reader, address.Channel, now);
                fault = outcome.Fault;
                if (outcome.Reading is { } reading)
                {
                    readings.Add(reading);
                }
            }
            else
            {
                SkipValue(ref reader);
                fault = Faults.ItemNotObject;
            }

            if (fault is not null)
            {
                (rejections ??= []).Add(Reject(fault, index, json.Slice(start, reader.BytesConsumed - start)));
            }

            index++;
        }

        EndOfPayload(ref reader);
        if (index == 0)
        {
            return Whole(topic, address, RejectionCodes.MalformedJson, $"batch is empty: send 1 to {MaxBatchItems} objects", json);
        }

        return new TelemetryMessage(topic, address, readings, rejections is null ? [] : rejections);
    }

    /// <summary>Reads one object (the reader is on its StartObject, and ends on its EndObject).</summary>
    private static Outcome ReadItem(ref Utf8JsonReader reader, TelemetryChannel channel, long now)
    {
        var item = default(Item);
        Next(ref reader);
        while (reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = MatchField(ref reader, channel);
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.Null && field != Field.Unknown)
            {
                // null is the same as absent (serializers write it for unset optional fields): the last one wins.
                item.Clear(field);
            }
            else
            {
                switch (field)
                {
                    case Field.Id:
                        // Only the id's key goes on: the grain dedupes by it, and dead letters quote the item's text.
                        item.HasId = reader.TokenType == JsonTokenType.String
                            && JsonValues.TryReadKey(ref reader, MaxIdChars, channel, out item.Key);
                        item.IdFault = item.HasId ? null : Faults.IdType;
                        break;
                    case Field.Ts:
                        item.TimestampFault = ReadTimestamp(ref reader, now, out item.Timestamp);
                        item.HasTimestamp = item.TimestampFault is null;
                        break;
                    case Field.Seq:
                        item.SeqFault = ReadInteger(ref reader, long.MaxValue, Faults.SeqType, Faults.SeqRange, out var seq);
                        item.Seq = item.SeqFault is null ? seq : null;
                        break;
                    case Field.Good:
                        item.GoodFault = ReadInteger(ref reader, MaxUnits, Faults.GoodType, Faults.GoodRange, out item.Good);
                        item.HasGood = item.GoodFault is null;
                        break;
                    case Field.Scrap:
                        item.ScrapFault = ReadInteger(ref reader, MaxUnits, Faults.ScrapType, Faults.ScrapRange, out item.Scrap);
                        break;
                    case Field.Tons:
                        item.TonsFault = ReadTons(ref reader, out item.Tons);
                        item.HasTons = item.TonsFault is null;
                        break;
                    case Field.Mode:
                        item.ModeFault = reader.TokenType == JsonTokenType.String && JsonValues.HasValidEscapes(ref reader)
                            && (reader.ValueTextEquals("truck"u8) || reader.ValueTextEquals("rail"u8) || reader.ValueTextEquals("barge"u8)
                                || reader.ValueTextEquals("vessel"u8) || reader.ValueTextEquals("conveyor"u8))
                            ? null : Faults.ModeType;
                        break;
                    case Field.From:
                        item.FromFault = IsBoundedString(ref reader, MaxTextChars) ? null : Faults.FromType;
                        break;
                    case Field.To:
                        item.ToFault = IsBoundedString(ref reader, MaxTextChars) ? null : Faults.ToType;
                        break;
                    case Field.State:
                        item.State = ReadState(ref reader);
                        item.StateFault = item.State == LineState.Unknown ? Faults.StateType : null;
                        break;
                    case Field.Reason:
                        item.Reason = reader.TokenType == JsonTokenType.String
                            && JsonValues.TryReadBoundedString(ref reader, MaxTextChars, materialize: true, out var reason) ? reason : null;
                        item.ReasonFault = item.Reason is null ? Faults.ReasonType : null;
                        break;
                    case Field.Values:
                        item.ValuesFault = reader.TokenType == JsonTokenType.StartObject
                            ? ReadSensorValues(ref reader, out item.Values)
                            : Faults.ValuesType;
                        if (item.ValuesFault is not null)
                        {
                            item.Values = null;
                        }

                        break;
                    default:
                        break;
                }
            }

            // Unknown fields, and known fields of the wrong type, may be objects or arrays: step over them.
            SkipValue(ref reader);
            Next(ref reader);
        }

        return item.Complete(channel);
    }

    private static Field MatchField(ref Utf8JsonReader reader, TelemetryChannel channel)
    {
        if (!JsonValues.HasValidEscapes(ref reader))
        {
            return Field.Unknown;
        }

        if (reader.ValueTextEquals("id"u8))
        {
            return Field.Id;
        }

        if (reader.ValueTextEquals("ts"u8))
        {
            return Field.Ts;
        }

        if (reader.ValueTextEquals("seq"u8))
        {
            return Field.Seq;
        }

        return channel switch
        {
            TelemetryChannel.Output when reader.ValueTextEquals("good"u8) => Field.Good,
            TelemetryChannel.Output when reader.ValueTextEquals("scrap"u8) => Field.Scrap,
            TelemetryChannel.Shipment when reader.ValueTextEquals("tons"u8) => Field.Tons,
            TelemetryChannel.Shipment when reader.ValueTextEquals("mode"u8) => Field.Mode,
            TelemetryChannel.Shipment when reader.ValueTextEquals("from"u8) => Field.From,
            TelemetryChannel.Shipment when reader.ValueTextEquals("to"u8) => Field.To,
            TelemetryChannel.State when reader.ValueTextEquals("state"u8) => Field.State,
            TelemetryChannel.State when reader.ValueTextEquals("reason"u8) => Field.Reason,
            TelemetryChannel.Sensor when reader.ValueTextEquals("values"u8) => Field.Values,
            _ => Field.Unknown,
        };
    }

    private static Fault? ReadTimestamp(ref Utf8JsonReader reader, long now, out long timestamp)
    {
        timestamp = 0;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                var result = ReadRfc3339(ref reader, out timestamp);
                if (result != Rfc3339.Result.Ok)
                {
                    return result == Rfc3339.Result.NoOffset ? Faults.TsNoOffset : Faults.TsFormat;
                }

                break;
            case JsonTokenType.Number:
                switch (JsonValues.ReadInteger(ref reader, out timestamp))
                {
                    case IntegerKind.Integer:
                        break;
                    case IntegerKind.TooLarge:
                        return Faults.TsAhead;
                    case IntegerKind.TooSmall:
                        return Faults.TsBehind;
                    default:
                        return Faults.TsType;
                }

                break;
            default:
                return Faults.TsType;
        }

        if (timestamp > now + (long)MaxAhead.TotalMilliseconds)
        {
            return Faults.TsAhead;
        }

        return timestamp < now - (long)MaxBehind.TotalMilliseconds ? Faults.TsBehind : null;
    }

    private static Rfc3339.Result ReadRfc3339(ref Utf8JsonReader reader, out long timestamp)
    {
        timestamp = 0;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return Rfc3339.TryParse(reader.ValueSpan, out timestamp);
        }

        Span<byte> buffer = stackalloc byte[Rfc3339.MaxLength * 6];
        var raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (raw > buffer.Length || !JsonValues.HasValidEscapes(ref reader))
        {
            return Rfc3339.Result.Invalid;
        }

        var length = reader.CopyString(buffer);
        return Rfc3339.TryParse(buffer[..length], out timestamp);
    }

    /// <summary>An integer in 0..<paramref name="max"/>: a non-integer is the wrong type, any other integer out of range.</summary>
    private static Fault? ReadInteger(ref Utf8JsonReader reader, long max, Fault typeFault, Fault rangeFault, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return typeFault;
        }

        return JsonValues.ReadInteger(ref reader, out value) switch
        {
            IntegerKind.Integer when value >= 0 && value <= max => null,
            IntegerKind.NotInteger => typeFault,
            _ => rangeFault,
        };
    }

    private static Fault? ReadTons(ref Utf8JsonReader reader, out decimal tons)
    {
        tons = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return Faults.TonsType;
        }

        // Exact decimal; a number beyond decimal's range (1e400) fails here and is out of range like any other.
        return reader.TryGetDecimal(out tons) && tons > 0 && tons <= MaxTons ? null : Faults.TonsRange;
    }

    private static LineState ReadState(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || !JsonValues.HasValidEscapes(ref reader))
        {
            return LineState.Unknown;
        }

        if (reader.ValueTextEquals("running"u8))
        {
            return LineState.Running;
        }

        if (reader.ValueTextEquals("idle"u8))
        {
            return LineState.Idle;
        }

        if (reader.ValueTextEquals("down"u8))
        {
            return LineState.Down;
        }

        return reader.ValueTextEquals("maintenance"u8) ? LineState.Maintenance : LineState.Unknown;
    }

    private static bool IsBoundedString(ref Utf8JsonReader reader, int maxChars) =>
        reader.TokenType == JsonTokenType.String && JsonValues.TryReadBoundedString(ref reader, maxChars, materialize: false, out _);

    /// <summary>Reads the <c>values</c> object of a sensor item (the reader is on its StartObject, and ends on its EndObject).</summary>
    private static Fault? ReadSensorValues(ref Utf8JsonReader reader, out List<SensorValue>? values)
    {
        values = null;
        var list = new List<SensorValue>();
        byte[]? problems = null; // per entry: 0 fine, 1 not a number, 2 not finite
        var badName = false;
        var entries = 0;
        Span<byte> name = stackalloc byte[MaxSensorNameChars * 6];
        Next(ref reader);
        while (reader.TokenType == JsonTokenType.PropertyName)
        {
            // Entries are counted as sent, repeated names included: this also bounds the work of finding repeats.
            entries++;
            var nameLength = entries > MaxSensorValues || badName ? 0 : ReadSensorName(ref reader, name);
            Next(ref reader);
            if (nameLength < 0)
            {
                badName = true;
            }
            else if (nameLength > 0)
            {
                byte problem = 0;
                double number = 0;
                if (reader.TokenType != JsonTokenType.Number)
                {
                    problem = 1;
                }
                else if (!reader.TryGetDouble(out number) || !double.IsFinite(number))
                {
                    problem = 2;
                }

                var at = IndexOf(list, name[..nameLength]);
                if (at < 0)
                {
                    list.Add(new SensorValue(Encoding.ASCII.GetString(name[..nameLength]), number));
                    at = list.Count - 1;
                }
                else
                {
                    // A repeated name: the last one wins.
                    list[at] = list[at] with { Value = number };
                }

                if (problem != 0 || problems is not null)
                {
                    problems ??= new byte[MaxSensorValues];
                    problems[at] = problem;
                }
            }

            SkipValue(ref reader);
            Next(ref reader);
        }

        if (badName)
        {
            return Faults.ValuesName;
        }

        if (entries is 0 or > MaxSensorValues)
        {
            return Faults.ValuesCount;
        }

        for (var k = 0; problems is not null && k < list.Count; k++)
        {
            if (problems[k] != 0)
            {
                // Valid names are at most 64 safe chars: fine to echo.
                return problems[k] == 1
                    ? new Fault(RejectionCodes.SchemaViolation, $"field 'values.{list[k].Name}' must be a number")
                    : new Fault(RejectionCodes.ValueOutOfRange, $"field 'values.{list[k].Name}' must be finite");
            }
        }

        values = list;
        return null;
    }

    /// <summary>The name's length when it matches <c>^[A-Za-z0-9_.-]{1,64}$</c> (unescaped into <paramref name="buffer"/>), else -1.</summary>
    private static int ReadSensorName(ref Utf8JsonReader reader, scoped Span<byte> buffer)
    {
        var raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (raw == 0 || raw > buffer.Length || !JsonValues.HasValidEscapes(ref reader))
        {
            return -1;
        }

        var length = reader.CopyString(buffer);
        if (length is 0 or > MaxSensorNameChars)
        {
            return -1;
        }

        foreach (var b in buffer[..length])
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b is not ((byte)'_' or (byte)'.' or (byte)'-'))
            {
                return -1;
            }
        }

        return length;
    }

    private static int IndexOf(List<SensorValue> list, ReadOnlySpan<byte> asciiName)
    {
        for (var k = 0; k < list.Count; k++)
        {
            var candidate = list[k].Name;
            if (candidate.Length != asciiName.Length)
            {
                continue;
            }

            var same = true;
            for (var c = 0; c < candidate.Length && same; c++)
            {
                same = candidate[c] == asciiName[c];
            }

            if (same)
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>Reads the next token; refuses an object or array nested deeper than <see cref="MaxDepth"/>.</summary>
    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("payload ends before its JSON value does");
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxDepth)
        {
            throw new JsonException($"payload is nested deeper than {MaxDepth} levels");
        }
    }

    /// <summary>On an object or array, moves to its end (through <see cref="Next"/>, so depth is checked); else stays.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = reader.CurrentDepth;
        do
        {
            Next(ref reader);
        }
        while (reader.CurrentDepth > depth);
    }

    /// <summary>Only whitespace may follow the top-level value (the reader throws on anything else).</summary>
    private static void EndOfPayload(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException("payload holds more than one JSON value");
        }
    }

    private static Rejection Reject(Fault fault, int? index, ReadOnlySequence<byte> item) =>
        new(fault.Code, fault.Reason, index, Utf8Payload.Excerpt(item, MaxDeadLetterPayloadChars));

    private static TelemetryMessage Whole(string topic, TopicAddress? address, string code, string reason, ReadOnlySequence<byte> payload) =>
        new(topic, address, [], [new Rejection(code, reason, null, Utf8Payload.Excerpt(payload, MaxDeadLetterPayloadChars))]);

    private sealed record Fault(string Code, string Reason);

    private readonly record struct Outcome(Reading? Reading, Fault? Fault);

    /// <summary>The fields of one item as read so far; a repeated field overwrites the earlier one.</summary>
    private struct Item
    {
        public ulong Key;
        public bool HasId;
        public Fault? IdFault;
        public long Timestamp;
        public bool HasTimestamp;
        public Fault? TimestampFault;
        public long? Seq;
        public Fault? SeqFault;
        public long Good;
        public bool HasGood;
        public Fault? GoodFault;
        public long Scrap;
        public Fault? ScrapFault;
        public decimal Tons;
        public bool HasTons;
        public Fault? TonsFault;
        public Fault? ModeFault;
        public Fault? FromFault;
        public Fault? ToFault;
        public LineState State;
        public Fault? StateFault;
        public string? Reason;
        public Fault? ReasonFault;
        public List<SensorValue>? Values;
        public Fault? ValuesFault;

        public void Clear(Field field)
        {
            switch (field)
            {
                case Field.Id:
                    (Key, HasId, IdFault) = (0, false, null);
                    break;
                case Field.Ts:
                    (HasTimestamp, TimestampFault) = (false, null);
                    break;
                case Field.Seq:
                    (Seq, SeqFault) = (null, null);
                    break;
                case Field.Good:
                    (Good, HasGood, GoodFault) = (0, false, null);
                    break;
                case Field.Scrap:
                    (Scrap, ScrapFault) = (0, null);
                    break;
                case Field.Tons:
                    (Tons, HasTons, TonsFault) = (0, false, null);
                    break;
                case Field.Mode:
                    ModeFault = null;
                    break;
                case Field.From:
                    FromFault = null;
                    break;
                case Field.To:
                    ToFault = null;
                    break;
                case Field.State:
                    (State, StateFault) = (LineState.Unknown, null);
                    break;
                case Field.Reason:
                    (Reason, ReasonFault) = (null, null);
                    break;
                case Field.Values:
                    (Values, ValuesFault) = (null, null);
                    break;
                default:
                    break;
            }
        }

        /// <summary>The reading, or the first fault in field order: id, ts, seq, then the channel's fields.</summary>
        public readonly Outcome Complete(TelemetryChannel channel)
        {
            var fault = IdFault ?? (HasId ? null : Faults.IdRequired)
                ?? TimestampFault ?? (HasTimestamp ? null : Faults.TsRequired)
                ?? SeqFault
                ?? channel switch
                {
                    TelemetryChannel.Output => GoodFault ?? (HasGood ? null : Faults.GoodRequired) ?? ScrapFault,
                    TelemetryChannel.Shipment => TonsFault ?? (HasTons ? null : Faults.TonsRequired) ?? ModeFault ?? FromFault ?? ToFault,
                    TelemetryChannel.State => StateFault ?? (State == LineState.Unknown ? Faults.StateRequired : null) ?? ReasonFault,
                    _ => ValuesFault ?? (Values is null ? Faults.ValuesRequired : null),
                };
            if (fault is not null)
            {
                return new Outcome(null, fault);
            }

            return new Outcome(
                new Reading
                {
                    Key = Key,
                    Timestamp = Timestamp,
                    Channel = channel,
                    Seq = Seq,
                    Good = Good,
                    Scrap = Scrap,
                    Tons = Tons,
                    State = State,
                    Reason = Reason,
                    Values = Values,
                },
                null);
        }
    }

    private static class Faults
    {
        public static readonly Fault ItemNotObject = new(RejectionCodes.MalformedJson, "batch item must be a JSON object");

        public static readonly Fault IdRequired = Schema("field 'id' is required");
        public static readonly Fault IdType = Schema($"field 'id' must be a string of 1 to {MaxIdChars} characters");

        public static readonly Fault TsRequired = Schema("field 'ts' is required");
        public static readonly Fault TsType = Schema("field 'ts' must be an RFC 3339 string or integer epoch milliseconds");
        public static readonly Fault TsFormat = Time("field 'ts' is not an RFC 3339 time such as 2025-03-26T08:15:03.120+08:00");
        public static readonly Fault TsNoOffset = Time("field 'ts' has no offset: RFC 3339 needs Z or +hh:mm/-hh:mm");
        public static readonly Fault TsAhead = Time("field 'ts' is more than 5 minutes ahead of the server clock");
        public static readonly Fault TsBehind = Time("field 'ts' is more than 7 days behind the server clock");

        public static readonly Fault SeqType = Schema("field 'seq' must be an integer >= 0");
        public static readonly Fault SeqRange = Range($"field 'seq' must be between 0 and {long.MaxValue}");

        public static readonly Fault GoodRequired = Schema("field 'good' is required");
        public static readonly Fault GoodType = Schema("field 'good' must be an integer >= 0");
        public static readonly Fault GoodRange = Range($"field 'good' must be between 0 and {MaxUnits}");
        public static readonly Fault ScrapType = Schema("field 'scrap' must be an integer >= 0");
        public static readonly Fault ScrapRange = Range($"field 'scrap' must be between 0 and {MaxUnits}");

        public static readonly Fault TonsRequired = Schema("field 'tons' is required");
        public static readonly Fault TonsType = Schema("field 'tons' must be a number");
        public static readonly Fault TonsRange = Range($"field 'tons' must be > 0 and <= {MaxTons}");
        public static readonly Fault ModeType = Schema("field 'mode' must be one of truck, rail, barge, vessel, conveyor");
        public static readonly Fault FromType = Schema($"field 'from' must be a string of at most {MaxTextChars} characters");
        public static readonly Fault ToType = Schema($"field 'to' must be a string of at most {MaxTextChars} characters");

        public static readonly Fault StateRequired = Schema("field 'state' is required");
        public static readonly Fault StateType = Schema("field 'state' must be one of running, idle, down, maintenance");
        public static readonly Fault ReasonType = Schema($"field 'reason' must be a string of at most {MaxTextChars} characters");

        public static readonly Fault ValuesRequired = Schema("field 'values' is required");
        public static readonly Fault ValuesType = Schema($"field 'values' must be an object of 1 to {MaxSensorValues} numbers");
        public static readonly Fault ValuesCount = Schema($"field 'values' must have 1 to {MaxSensorValues} entries");
        public static readonly Fault ValuesName = Schema("field 'values' has a name that does not match ^[A-Za-z0-9_.-]{1,64}$");

        private static Fault Schema(string reason) => new(RejectionCodes.SchemaViolation, reason);

        private static Fault Range(string reason) => new(RejectionCodes.ValueOutOfRange, reason);

        private static Fault Time(string reason) => new(RejectionCodes.TimestampOutOfRange, reason);
    }
}
