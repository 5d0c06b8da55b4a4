using System.Text;
using System.Text.Json;
using OutputMonitor.Gateway.Telemetry;

namespace OutputMonitor.Tests.Hostile;

/// <summary>A valid item the stream must count (once: a repeated id on its line and channel is a duplicate).</summary>
internal sealed record ValidItem(string Line, string Channel, string Id, long Good, long Scrap, decimal Tons);

/// <summary>One MQTT message of the hostile stream and what spec/telemetry.md says must become of it.</summary>
internal sealed class PlannedMessage(int number, string category)
{
    public int Number { get; } = number;

    public string Category { get; } = category;

    public string Topic { get; set; } = "";

    /// <summary>The topic as sent, where it is not the UTF-8 of <see cref="Topic"/> (invalid UTF-8).</summary>
    public byte[]? TopicBytes { get; set; }

    public byte[] Payload { get; set; } = [];

    /// <summary>Sent on a raw connection, so that the broker (not a client library) decides whether it is taken.</summary>
    public bool Raw { get; set; }

    /// <summary>On the system's own output topics (dead letters, alerts), which the gateway ignores by design.</summary>
    public bool SystemTopic { get; set; }

    /// <summary>No marker survives in it: its dead letter is told apart by its topic (<see cref="HostileTelemetry.NoiseTopic"/>).</summary>
    public bool ByTopic { get; set; }

    /// <summary>The dead letters it must give: batch index (null for the whole message) and code (<c>*</c>: some code).</summary>
    public List<(int? Index, string Code)> Rejections { get; } = [];

    public List<ValidItem> Items { get; } = [];
}

/// <summary>
/// A seeded stream of valid telemetry for the lines of <c>TestRegistry.Small</c> interleaved with
/// hostile messages. Every hostile item carries a marker <c>"m":"H{message}-{item}"</c> as its first
/// field, so that its dead letter (whose payload is the item's text, cut at 4096 chars) names it.
/// Expected codes come from the spec's table, never from the product's parser; random mutations are
/// judged by System.Text.Json (not UTF-8 JSON: malformed_json).
/// </summary>
internal sealed class HostileTelemetry
{
    /// <summary>Where random noise goes: no marker survives in it, so its dead letters are told apart by topic.</summary>
    public const string NoiseTopic = "om/v1/ent-3/p2/sensor";

    /// <summary>Where markerless malformed payloads go (empty, blank, an empty batch).</summary>
    public const string StructureTopic = "om/v1/ent-3/p2/state";

    private const string Schema = RejectionCodes.SchemaViolation;
    private const string Range = RejectionCodes.ValueOutOfRange;
    private const string Time = RejectionCodes.TimestampOutOfRange;
    private const string Malformed = RejectionCodes.MalformedJson;
    private const string TooLarge = RejectionCodes.PayloadTooLarge;
    private const string BadTopic = RejectionCodes.BadTopic;
    private const string Unknown = RejectionCodes.UnknownLine;

    private static readonly string[] OutputLines = ["ent-1/p1", "ent-2/p1", "ent-3/p1", "ent-3/p2"];

    private readonly Random _random;
    private readonly long _ts;
    private readonly List<PlannedMessage> _messages = [];
    private readonly List<PlannedMessage> _validSingles = [];

    public HostileTelemetry(int seed, DateTimeOffset now)
    {
        _random = new Random(seed);
        _ts = now.ToUnixTimeMilliseconds();
        Now = now;
    }

    public DateTimeOffset Now { get; }

    public IReadOnlyList<PlannedMessage> Messages => _messages;

    /// <summary>The marker of a hostile item, as it appears in its dead letter.</summary>
    public static string Marker(int message, int item) => $"H{message:D6}-{item:D4}";

    public static System.Text.RegularExpressions.Regex MarkerPattern { get; } = new(@"H(\d{6})-\d{4}", System.Text.RegularExpressions.RegexOptions.Compiled);

    /// <summary>Builds the stream: <paramref name="smallMessages"/> valid and hostile messages in random order, then the big and the topic cases.</summary>
    public HostileTelemetry Generate(int smallMessages)
    {
        // Item-level faults (each a whole object's fields but the marker): usable alone or in a batch.
        (string Channel, string Body, string Code, string Category)[] itemFaults = ItemFaults();
        for (var i = 0; i < smallMessages; i++)
        {
            var roll = _random.NextDouble();
            if (roll < 0.50)
            {
                AddValid();
            }
            else if (roll < 0.55)
            {
                AddValidBatch();
            }
            else if (roll < 0.60 && _validSingles.Count > 0)
            {
                var original = _validSingles[_random.Next(_validSingles.Count)];
                Add("duplicate_of_valid", original.Topic, _ => original.Payload, m => m.Items.AddRange(original.Items));
            }
            else if (roll < 0.75)
            {
                var (channel, body, code, category) = itemFaults[_random.Next(itemFaults.Length)];
                Add(category, Topic(channel == "shipment" ? "ent-1/s1" : "ent-1/p1", channel), n => Utf8("{" + Field(n, 0) + body + "}"), m => Expect(m, code));
            }
            else if (roll < 0.80)
            {
                AddMixedBatch(itemFaults);
            }
            else if (roll < 0.86)
            {
                AddRandomBytes();
            }
            else if (roll < 0.90)
            {
                AddTruncated();
            }
            else if (roll < 0.95)
            {
                AddMalformed();
            }
            else
            {
                Add("random_noise", NoiseTopic, _ => RandomBytes(1, 300), m => { m.ByTopic = true; m.Rejections.Add((null, "*")); });
            }
        }

        AddBig();
        AddTopicInjection();
        return this;
    }

    private (string Channel, string Body, string Code, string Category)[] ItemFaults()
    {
        var ts = _ts;
        return
        [
            ("output", $"\"id\":5,\"ts\":{ts},\"good\":1", Schema, "type_swap"),
            ("output", "\"id\":\"x\",\"ts\":true,\"good\":1", Schema, "type_swap"),
            ("output", "\"id\":\"x\",\"ts\":{\"a\":1},\"good\":1", Schema, "type_swap"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":\"5\"", Schema, "type_swap"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":[5]", Schema, "type_swap"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":1.5", Schema, "type_swap"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":null", Schema, "type_swap"),
            ("output", $"\"id\":\"x\",\"ts\":{ts}", Schema, "type_swap"),
            ("output", $"\"ts\":{ts},\"good\":1", Schema, "type_swap"),
            ("output", $"\"id\":\"\",\"ts\":{ts},\"good\":1", Schema, "type_swap"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":1,\"scrap\":\"2\"", Schema, "type_swap"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":1,\"seq\":\"7\"", Schema, "type_swap"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":\"5\"", Schema, "type_swap"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":5,\"mode\":\"plane\"", Schema, "type_swap"),
            ("state", $"\"id\":\"x\",\"ts\":{ts},\"state\":1", Schema, "type_swap"),
            ("state", $"\"id\":\"x\",\"ts\":{ts},\"state\":\"RUNNING\"", Schema, "type_swap"),
            ("sensor", $"\"id\":\"x\",\"ts\":{ts},\"values\":[1,2]", Schema, "type_swap"),
            ("sensor", $"\"id\":\"x\",\"ts\":{ts},\"values\":{{\"t\":\"hot\"}}", Schema, "type_swap"),
            ("sensor", $"\"id\":\"x\",\"ts\":{ts},\"values\":{{}}", Schema, "type_swap"),
            ("sensor", $"\"id\":\"x\",\"ts\":{ts},\"values\":{{\"bad name\":1}}", Schema, "type_swap"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":1e400", Range, "giant_number"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":123456789012345678901234567890", Range, "giant_number"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":-123456789012345678901234567890", Range, "giant_number"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":1,\"scrap\":1e30", Range, "giant_number"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":1,\"seq\":1e400", Range, "giant_number"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":1,\"seq\":-1", Range, "giant_number"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":1000001", Range, "giant_number"),
            ("output", $"\"id\":\"x\",\"ts\":{ts},\"good\":-1", Range, "giant_number"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":1e400", Range, "giant_number"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":0", Range, "giant_number"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":-5", Range, "giant_number"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":1000000.5", Range, "giant_number"),
            ("sensor", $"\"id\":\"x\",\"ts\":{ts},\"values\":{{\"t\":1e400}}", Range, "giant_number"),
            ("output", "\"id\":\"x\",\"ts\":123456789012345678901234567890,\"good\":1", Time, "giant_number"),
            ("output", "\"id\":\"x\",\"ts\":-123456789012345678901234567890,\"good\":1", Time, "giant_number"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":\"NaN\"", Schema, "nan_infinity"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":\"Infinity\"", Schema, "nan_infinity"),
            ("output", $"\"id\":\"x\",\"ts\":{ts + 3_600_000},\"good\":1", Time, "bad_timestamp"),
            ("output", $"\"id\":\"x\",\"ts\":{ts - (8 * 86_400_000L)},\"good\":1", Time, "bad_timestamp"),
            ("output", "\"id\":\"x\",\"ts\":\"2025-13-45T00:00:00Z\",\"good\":1", Time, "bad_timestamp"),
            ("output", "\"id\":\"x\",\"ts\":\"yesterday\",\"good\":1", Time, "bad_timestamp"),
            ("output", "\"id\":\"x\",\"ts\":\"\",\"good\":1", Time, "bad_timestamp"),
            ("output", "\"id\":\"x\",\"ts\":\"2025-03-26T08:15:03\",\"good\":1", Time, "bad_timestamp"),
            ("output", $"\"id\":\"{new string('i', 129)}\",\"ts\":{ts},\"good\":1", Schema, "giant_string"),
            ("output", $"\"id\":\"{new string('中', 129)}\",\"ts\":{ts},\"good\":1", Schema, "giant_string"),
            ("shipment", $"\"id\":\"x\",\"ts\":{ts},\"tons\":5,\"from\":\"{new string('f', 201)}\"", Schema, "giant_string"),
            ("sensor", $"\"id\":\"x\",\"ts\":{ts},\"values\":{{\"{new string('n', 65)}\":1}}", Schema, "giant_string"),
            ("output", $"\"id\":\"\\ud800\",\"ts\":{ts},\"good\":1", Schema, "unicode_id"),
        ];
    }

    private void AddValid()
    {
        var message = Add("valid", "", _ => []);
        message.Payload = Utf8(ValidObject(message.Number, 0, out var item));
        message.Topic = Topic(item.Line, item.Channel);
        message.Items.Add(item);
        _validSingles.Add(message);
    }

    /// <summary>A valid object on a random line and channel; ids sometimes hold unicode and escaped control characters (valid: any string of 1–128 chars).</summary>
    private string ValidObject(int n, int k, out ValidItem item, string? channel = null, string? line = null)
    {
        channel ??= _random.Next(10) switch
        {
            < 6 => "output",
            < 8 => "shipment",
            8 => "state",
            _ => "sensor",
        };
        line ??= channel == "shipment" ? "ent-1/s1" : channel == "output" ? OutputLines[_random.Next(OutputLines.Length)] : "ent-1/p1";
        var unicode = _random.Next(8) == 0;
        var id = $"V{n:D6}-{k:D4}" + (unicode ? "-中文-🏭-\u0001-\u0000-\u202e" : "");
        var idJson = JsonSerializer.Serialize(id);
        var seq = _random.Next(3) == 0 ? $",\"seq\":{n}" : "";
        switch (channel)
        {
            case "output":
                var good = _random.Next(0, 500);
                var scrap = _random.Next(0, 5);
                item = new ValidItem(line, channel, id, good, scrap, 0);
                return $"{{\"id\":{idJson},\"ts\":{_ts}{seq},\"good\":{good},\"scrap\":{scrap}}}";
            case "shipment":
                var tons = _random.Next(1, 100_000) / 100m;
                item = new ValidItem(line, channel, id, 0, 0, tons);
                return $"{{\"id\":{idJson},\"ts\":{_ts}{seq},\"tons\":{tons.ToString(System.Globalization.CultureInfo.InvariantCulture)},\"mode\":\"truck\"}}";
            case "state":
                item = new ValidItem(line, channel, id, 0, 0, 0);
                return $"{{\"id\":{idJson},\"ts\":{_ts},\"state\":\"running\",\"reason\":\"ok\"}}";
            default:
                item = new ValidItem(line, channel, id, 0, 0, 0);
                return $"{{\"id\":{idJson},\"ts\":{_ts},\"values\":{{\"temp.c\":{_random.Next(-40, 90)}.5}}}}";
        }
    }

    private void AddValidBatch()
    {
        var line = OutputLines[_random.Next(OutputLines.Length)];
        var count = _random.Next(2, 20);
        var message = Add("valid_batch", Topic(line, "output"), _ => []);
        message.Payload = ValidBatch(message, count, line);
    }

    /// <summary>Valid and invalid items in one batch: each valid one counts, each invalid one is dead-lettered with its index.</summary>
    private void AddMixedBatch((string Channel, string Body, string Code, string Category)[] itemFaults)
    {
        var line = OutputLines[_random.Next(OutputLines.Length)];
        var count = _random.Next(3, 30);
        var message = Add("mixed_batch", Topic(line, "output"), _ => []);
        var parts = new List<string>();
        var outputFaults = itemFaults.Where(f => f.Channel == "output").ToArray();
        for (var k = 0; k < count; k++)
        {
            switch (_random.Next(5))
            {
                case < 3:
                    parts.Add(ValidObject(message.Number, k, out var item, "output", line));
                    message.Items.Add(item);
                    break;
                case 3:
                    var fault = outputFaults[_random.Next(outputFaults.Length)];
                    parts.Add("{" + Field(message.Number, k) + fault.Body + "}");
                    message.Rejections.Add((k, fault.Code));
                    break;
                default:
                    // Not an object: malformed on its own, the rest still taken.
                    parts.Add($"[\"{Marker(message.Number, k)}\"]");
                    message.Rejections.Add((k, Malformed));
                    break;
            }
        }

        message.Payload = Utf8("[" + string.Join(',', parts) + "]");
    }

    /// <summary>Random bytes spliced into a valid object after its marker; kept only when System.Text.Json says it is no longer UTF-8 JSON.</summary>
    private void AddRandomBytes()
    {
        Add("random_bytes", Topic("ent-1/p1", "output"), n =>
        {
            var valid = Utf8("{" + Field(n, 0) + $"\"id\":\"r{n}\",\"ts\":{_ts},\"good\":1}}");
            var prefix = Field(n, 0).Length + 1;
            while (true)
            {
                var at = _random.Next(prefix, valid.Length);
                var cut = _random.Next(0, Math.Min(8, valid.Length - at));
                byte[] mutated = [.. valid[..at], .. RandomBytes(1, 16), .. valid[(at + cut)..]];
                if (!IsJson(mutated))
                {
                    return mutated;
                }
            }
        }, m => Expect(m, Malformed));
    }

    private void AddTruncated()
    {
        var batch = _random.Next(2) == 0;
        Add("truncation", Topic("ent-2/p1", "output"), n =>
        {
            var whole = batch
                ? Utf8("[" + string.Join(',', Enumerable.Range(0, 5).Select(k => "{" + Field(n, k) + $"\"id\":\"t{n}-{k}\",\"ts\":{_ts},\"good\":1}}")) + "]")
                : Utf8("{" + Field(n, 0) + $"\"id\":\"t{n}\",\"ts\":{_ts},\"good\":1}}");

            // Any cut after the marker leaves a value without its closing bracket: never JSON.
            return whole[.._random.Next(Field(n, 0).Length + 2, whole.Length)];
        }, m => Expect(m, Malformed));
    }

    /// <summary>Payloads that are not one object or an array of objects, or not UTF-8 JSON at all.</summary>
    private void AddMalformed()
    {
        var cases = new Func<int, byte[]>[]
        {
            n => Utf8($"\"{Marker(n, 0)}\""),
            n => Utf8($"[\"{Marker(n, 0)}\"]"[1..^1] + " 5"),
            n => Utf8($"{{\"m\":\"{Marker(n, 0)}\"}}{{}}"),
            n => Utf8($"[{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a\",\"ts\":{_ts},\"good\":NaN}}]"),
            n => Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a\",\"ts\":{_ts},\"tons\":Infinity}}"),
            n => Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a\",\"ts\":{_ts},\"good\":-Infinity}}"),
            n => [.. Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a"), 0x01, .. Utf8($"\",\"ts\":{_ts},\"good\":1}}")],
            n => [.. Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a"), 0x00, .. Utf8($"\",\"ts\":{_ts},\"good\":1}}")],
            n => [.. Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a"), 0xFF, .. Utf8($"\",\"ts\":{_ts},\"good\":1}}")],
            n => [.. Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a"), 0xC0, 0x80, .. Utf8($"\",\"ts\":{_ts},\"good\":1}}")],
            n => Encoding.Unicode.GetBytes($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a\",\"ts\":{_ts},\"good\":1}}"),
            n => Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a\",\"ts\":{_ts},\"good\":1,\"x\":{new string('[', 64)}{new string(']', 64)}}}"),
            n => Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a\",\"ts\":{_ts},\"good\":1,\"x\":{new string('[', 5000)}{new string(']', 5000)}}}"),
            n => Utf8($"{{\"m\":\"{Marker(n, 0)}\",\"id\":\"a\",\"ts\":{_ts},\"good\":1,\"x\":{string.Concat(Enumerable.Repeat("{\"a\":", 100))}1{new string('}', 100)}}}"),
        };
        var pick = _random.Next(cases.Length + 2);
        if (pick >= cases.Length)
        {
            // No marker can survive these; they go to a topic of their own.
            Add("malformed_structure", StructureTopic, _ => pick == cases.Length ? [] : Utf8("  \n "), m => { m.ByTopic = true; m.Rejections.Add((null, Malformed)); });
            return;
        }

        Add(pick >= 11 ? "deep_nesting" : pick >= 6 ? "bad_encoding" : pick >= 3 ? "nan_infinity" : "malformed_structure", Topic("ent-3/p1", "output"), cases[pick], m => Expect(m, Malformed));
    }

    /// <summary>Giant strings, oversized payloads and batches at and over their limits.</summary>
    private void AddBig()
    {
        var topic = Topic("ent-1/p1", "output");
        foreach (var chars in new[] { 10 * 1024, 200 * 1024 })
        {
            Add("giant_string", topic, n => Utf8("{" + Field(n, 0) + $"\"id\":\"{new string('i', chars)}\",\"ts\":{_ts},\"good\":1}}"), m => Expect(m, Schema));
        }

        Add("giant_string", Topic("ent-1/p1", "state"), n => Utf8("{" + Field(n, 0) + $"\"id\":\"s{n}\",\"ts\":{_ts},\"state\":\"down\",\"reason\":\"{new string('r', 200 * 1024)}\"}}"), m => Expect(m, Schema));

        // Unknown fields are ignored, however large, up to the payload limit: exactly 256 KiB is taken.
        var boundary = Add("limit_256KiB_valid", Topic("ent-3/p2", "output"), _ => []);
        var head = ValidObject(boundary.Number, 0, out var boundaryItem, "output", "ent-3/p2")[..^1] + ",\"pad\":\"";
        boundary.Payload = Utf8(head + new string('p', TelemetryParser.MaxPayloadBytes - Encoding.UTF8.GetByteCount(head) - 2) + "\"}");
        Assert.Equal(TelemetryParser.MaxPayloadBytes, boundary.Payload.Length);
        boundary.Items.Add(boundaryItem);

        foreach (var size in new[] { TelemetryParser.MaxPayloadBytes + 1, 300 * 1024, 1024 * 1024 })
        {
            Add("oversized", topic, n =>
            {
                var head = "{" + Field(n, 0) + $"\"id\":\"o{n}\",\"ts\":{_ts},\"good\":1,\"pad\":\"";
                return Utf8(head + new string('p', size - head.Length - 2) + "\"}");
            }, m => { m.Raw = true; m.Rejections.Add((null, TooLarge)); });
        }

        var full = Add("batch_1000_valid", Topic("ent-3/p1", "output"), _ => []);
        full.Payload = ValidBatch(full, TelemetryParser.MaxBatchItems, "ent-3/p1");

        Add("batch_1001", topic, n => Utf8("[" + string.Join(',', Enumerable.Range(0, TelemetryParser.MaxBatchItems + 1).Select(k =>
            "{" + Field(n, k) + $"\"id\":\"b{n}-{k}\",\"ts\":{_ts},\"good\":1}}")) + "]"), m => Expect(m, TooLarge));

        // One id twice in a batch, and an empty batch.
        var twice = Add("duplicate_in_batch", Topic("ent-2/p1", "output"), _ => []);
        var once = ValidObject(twice.Number, 0, out var twiceItem, "output", "ent-2/p1");
        twice.Items.AddRange([twiceItem, twiceItem]);
        twice.Payload = Utf8($"[{once},{once}]");
        Add("malformed_structure", StructureTopic, _ => Utf8("[]"), m => { m.ByTopic = true; m.Rejections.Add((null, Malformed)); });
    }

    /// <summary>Topics a device should not be able to use: sent raw, so the broker's answer is measured, not assumed.</summary>
    private void AddTopicInjection()
    {
        (string Topic, string Code)[] topics =
        [
            ("om/v1/+/p1/output", BadTopic),
            ("om/v1/ent-1/p1/#", BadTopic),
            ("om/v1/ent-1/+/output", BadTopic),
            ("om/v1/ent-1/p1/output\0evil", BadTopic),
            ("om/v1/" + string.Join('/', Enumerable.Repeat("a", 300)), BadTopic),
            ("om/v1/../p1/output", BadTopic),
            ("om/v1/ent-1/../output", BadTopic),
            ("om/v1/ent-1/p1/..", BadTopic),
            ("om/v1/%2e%2e/p1/output", BadTopic),
            ("om/v1/中文/p1/output", BadTopic),
            ("om/v1/ent-1/p\u0131/output", BadTopic),
            ("om/v1/ent-1/p1/output/extra", BadTopic),
            ("om/v1/ent-1/p1/output/", BadTopic),
            ("om/v1/ent-1/p1", BadTopic),
            ("om/v1/ent-1", BadTopic),
            ("om/v1/", BadTopic),
            ("om/v1//p1/output", BadTopic),
            ("om/v1/ENT-1/p1/output", BadTopic),
            ("om/v1/ent-1/P1/output", BadTopic),
            ("om/v1/ent-1/p1/OUTPUT", BadTopic),
            ("om/v1/ent-1 /p1/output", BadTopic),
            ("om/v1/-ent/p1/output", BadTopic),
            ("om/v1/ent-1/p1/output\n", BadTopic),
            ("om/v1/ent-1/p1\t/output", BadTopic),
            ("om/v1/" + new string('e', 64) + "/p1/output", BadTopic),
            ("om/v1/" + new string('e', 10_000) + "/p1/output", BadTopic),
            ("om/v1/deadletters/ent-1/p1", BadTopic),
            ("om/v1/deadletter-x/p1/output", Unknown),
            ("om/v1/alertsx/p1/output", Unknown),
            ("om/v1/v1/om/output", Unknown),
            ("om/v1/ent-1/ghost/output", Unknown),
            ("om/v1/ghost/p1/output", Unknown),
        ];
        foreach (var (topic, code) in topics)
        {
            Add("topic_injection", topic, n => Utf8("{" + Field(n, 0) + $"\"id\":\"x{n}\",\"ts\":{_ts},\"good\":1}}"), m => { m.Raw = true; m.Rejections.Add((null, code)); });
        }

        var invalid = Add("topic_injection", "om/v1/ent-1/p1/\uFFFD", n => Utf8("{" + Field(n, 0) + $"\"id\":\"x{n}\",\"ts\":{_ts},\"good\":1}}"), m => { m.Raw = true; m.Rejections.Add((null, BadTopic)); });
        invalid.TopicBytes = [.. Utf8("om/v1/ent-1/p1/"), 0xFF, 0xFE];

        // The system's own output topics: ignored by the gateway (dead-lettering them would loop), never counted.
        foreach (var topic in new[] { "om/v1/deadletter", "om/v1/deadletter/ent-1/p1/output", "om/v1/deadletter/unrouted", "om/v1/alerts/ent-1/p1", "om/v1/alerts/ent-1" })
        {
            Add("system_topic_forgery", topic, n => Utf8("{" + Field(n, 0) + $"\"code\":\"forged\",\"id\":\"x{n}\",\"ts\":{_ts},\"good\":1}}"), m => { m.Raw = true; m.SystemTopic = true; });
        }
    }

    private PlannedMessage Add(string category, string topic, Func<int, byte[]> payload, Action<PlannedMessage>? expect = null)
    {
        var message = new PlannedMessage(_messages.Count, category) { Topic = topic };
        message.Payload = payload(message.Number);
        expect?.Invoke(message);
        _messages.Add(message);
        return message;
    }

    private byte[] ValidBatch(PlannedMessage message, int count, string line) =>
        Utf8("[" + string.Join(',', Enumerable.Range(0, count).Select(k =>
        {
            var json = ValidObject(message.Number, k, out var item, "output", line);
            message.Items.Add(item);
            return json;
        })) + "]");

    private static string Topic(string line, string channel) => $"om/v1/{line}/{channel}";

    private static void Expect(PlannedMessage message, string code) => message.Rejections.Add((null, code));

    private static string Field(int message, int item) => $"\"m\":\"{Marker(message, item)}\",";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private byte[] RandomBytes(int min, int max)
    {
        var bytes = new byte[_random.Next(min, max + 1)];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>An oracle independent of the product: is this one UTF-8 JSON value?</summary>
    private static bool IsJson(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 1000 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
