using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OutputMonitor.Tests.Simulator;

/// <summary>One checked telemetry object: where it came from and its fields.</summary>
public sealed record ContractItem(string Enterprise, string Line, string Channel, string Id, long? Seq, long TimestampMs, JsonElement Json)
{
    public string LineKey { get; } = $"{Enterprise}/{Line}";

    public long Good => Json.GetProperty("good").GetInt64();

    public long Scrap => Json.TryGetProperty("scrap", out var scrap) ? scrap.GetInt64() : 0;

    public double Tons => Json.GetProperty("tons").GetDouble();

    public string State => Json.GetProperty("state").GetString()!;
}

/// <summary>
/// spec/telemetry.md, written out again for the tests and independent of the simulator's code:
/// topic form, payload size, batch size, and every field's type and range.
/// </summary>
public static partial class TelemetryContract
{
    public const int MaxPayloadBytes = 256 * 1024;
    public const long FutureLimitMs = 5 * 60_000;
    public const long PastLimitMs = 7 * 86_400_000L;

    public static readonly string[] States = ["running", "idle", "down", "maintenance"];
    public static readonly string[] Modes = ["truck", "rail", "barge", "vessel", "conveyor"];

    [GeneratedRegex("^om/v1/([a-z0-9][a-z0-9-]{0,62})/([a-z0-9][a-z0-9-]{0,62})/(output|shipment|state|sensor)$")]
    private static partial Regex TopicPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339Pattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex SensorNamePattern();

    /// <summary>Checks one MQTT message as the system would at <paramref name="serverNowMs"/>; returns its objects.</summary>
    public static List<ContractItem> Check(string topic, byte[] payload, long serverNowMs, ISet<string>? registryLines = null)
    {
        var match = TopicPattern().Match(topic);
        Assert.True(match.Success, $"bad topic '{topic}'");
        var (enterprise, line, channel) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
        if (registryLines is not null)
        {
            Assert.True(registryLines.Contains($"{enterprise}/{line}"), $"'{enterprise}/{line}' is not in the registry");
        }

        Assert.True(payload.Length <= MaxPayloadBytes, $"{topic}: payload of {payload.Length} bytes");
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var objects = new List<JsonElement>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            Assert.InRange(root.GetArrayLength(), 1, 1000);
            objects.AddRange(root.EnumerateArray());
        }
        else
        {
            objects.Add(root);
        }

        var items = new List<ContractItem>(objects.Count);
        foreach (var item in objects)
        {
            Assert.Equal(JsonValueKind.Object, item.ValueKind);
            items.Add(CheckItem(enterprise, line, channel, item.Clone(), serverNowMs));
        }

        return items;
    }

    private static ContractItem CheckItem(string enterprise, string line, string channel, JsonElement item, long serverNowMs)
    {
        var id = Required(item, "id", JsonValueKind.String).GetString()!;
        Assert.InRange(id.Length, 1, 128);

        long? seq = null;
        if (item.TryGetProperty("seq", out var seqElement))
        {
            Assert.True(seqElement.TryGetInt64(out var seqValue) && seqValue >= 0, $"{id}: seq must be an integer >= 0");
            seq = seqValue;
        }

        var ts = item.GetProperty("ts");
        long tsMs;
        if (ts.ValueKind == JsonValueKind.Number)
        {
            Assert.True(ts.TryGetInt64(out tsMs), $"{id}: ts must be an integer of epoch ms");
        }
        else
        {
            Assert.Equal(JsonValueKind.String, ts.ValueKind);
            var text = ts.GetString()!;
            Assert.Matches(Rfc3339Pattern(), text);
            tsMs = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        }

        Assert.True(tsMs <= serverNowMs + FutureLimitMs, $"{id}: ts {tsMs} is more than 5 min ahead of {serverNowMs}");
        Assert.True(tsMs >= serverNowMs - PastLimitMs, $"{id}: ts {tsMs} is more than 7 days behind {serverNowMs}");

        switch (channel)
        {
            case "output":
                Assert.InRange(Integer(item, "good", required: true)!.Value, 0, 1_000_000);
                if (Integer(item, "scrap", required: false) is { } scrap)
                {
                    Assert.InRange(scrap, 0, 1_000_000);
                }

                break;
            case "shipment":
                var tons = Required(item, "tons", JsonValueKind.Number).GetDouble();
                Assert.True(double.IsFinite(tons) && tons > 0 && tons <= 1_000_000, $"{id}: tons {tons}");
                if (item.TryGetProperty("mode", out var mode))
                {
                    Assert.Contains(mode.GetString(), Modes);
                }

                foreach (var place in new[] { "from", "to" })
                {
                    if (item.TryGetProperty(place, out var value))
                    {
                        Assert.Equal(JsonValueKind.String, value.ValueKind);
                        Assert.InRange(value.GetString()!.Length, 0, 200);
                    }
                }

                break;
            case "state":
                Assert.Contains(Required(item, "state", JsonValueKind.String).GetString(), States);
                if (item.TryGetProperty("reason", out var reason))
                {
                    Assert.Equal(JsonValueKind.String, reason.ValueKind);
                    Assert.InRange(reason.GetString()!.Length, 0, 200);
                }

                break;
            default:
                var values = Required(item, "values", JsonValueKind.Object);
                var count = 0;
                foreach (var value in values.EnumerateObject())
                {
                    count++;
                    Assert.Matches(SensorNamePattern(), value.Name);
                    Assert.Equal(JsonValueKind.Number, value.Value.ValueKind);
                    Assert.True(double.IsFinite(value.Value.GetDouble()));
                }

                Assert.InRange(count, 1, 64);
                break;
        }

        return new ContractItem(enterprise, line, channel, id, seq, tsMs, item);
    }

    private static JsonElement Required(JsonElement item, string name, JsonValueKind kind)
    {
        Assert.True(item.TryGetProperty(name, out var value), $"'{name}' is missing in {item}");
        Assert.Equal(kind, value.ValueKind);
        return value;
    }

    private static long? Integer(JsonElement item, string name, bool required)
    {
        if (!item.TryGetProperty(name, out var value))
        {
            Assert.False(required, $"'{name}' is missing in {item}");
            return null;
        }

        Assert.Equal(JsonValueKind.Number, value.ValueKind);
        Assert.True(value.TryGetInt64(out var number), $"'{name}' must be an integer in {item}");
        return number;
    }
}
