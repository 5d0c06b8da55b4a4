using System.Globalization;
using System.Text;
using System.Text.Json;
using MQTTnet;
using OutputMonitor.Scopes;
using OutputMonitor.Tests.Support;
using Xunit.Abstractions;

namespace OutputMonitor.Tests.Hostile;

/// <summary>
/// Issue 7's hostile stream: thousands of valid and hostile messages from a seeded generator through
/// a real Mosquitto into the real gateway and silo. The gateway stays up, every valid item counts
/// exactly once, every hostile message or item is dead-lettered with the spec's code, none is lost.
/// </summary>
public sealed class MqttHostileStreamTests(MosquittoBroker broker, ITestOutputHelper output) : IClassFixture<MosquittoBroker>, IAsyncLifetime
{
    private const int Seed = 20261125;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private ProductHosts _hosts = null!;

    public async Task InitializeAsync() => _hosts = await ProductHosts.StartSiloAsync(TestRegistry.Small());

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task A_hostile_stream_loses_nothing_counts_every_valid_item_once_and_dead_letters_every_bad_one_with_its_code()
    {
        var gateway = await _hosts.StartGatewayAsync(new()
        {
            ["Mqtt:Host"] = broker.Host, ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture), ["Mqtt:ClientId"] = "hostile-gw", ["Mqtt:SharedGroup"] = "hostile",
        });
        var status = ProductHosts.StatusOf(gateway);
        await Eventually.HoldsAsync(() => status.BrokerConnected, Timeout, "the gateway connects");
        await using var deadLetters = await MqttTestClient.ConnectAsync(broker.Port, "om/v1/deadletter/#");
        await using var device = await MqttTestClient.ConnectAsync(broker.Port);

        var stream = new HostileTelemetry(Seed, DateTimeOffset.UtcNow).Generate(smallMessages: 3200);
        var refused = await PublishAsync(broker.Port, device, stream.Messages);
        var delivered = stream.Messages.Where(m => !refused.Contains(m.Number) && !m.SystemTopic).ToList();

        // Exactly these messages reach the gateway (system topics are ignored, not counted as messages).
        await Eventually.HoldsAsync(() => Task.FromResult(status.Messages == delivered.Count), Timeout, () => $"{delivered.Count} messages taken (at {status.Messages})");

        // Still up: a marker after the stream is taken and counted.
        await device.PublishAsync("om/v1/ent-2/p1/output", JsonSerializer.Serialize(new { id = "final-marker", ts = stream.Now.ToUnixTimeMilliseconds(), good = 1 }));
        var (counted, duplicates) = ExpectedReadings(delivered);
        await Eventually.HoldsAsync(() => Task.FromResult(status.Readings == counted.Count + 1), Timeout, () => $"{counted.Count + 1} readings counted (at {status.Readings})");
        Assert.True(status.BrokerConnected);

        var expectedDeadLetters = delivered.Sum(m => m.Rejections.Count);
        var forged = stream.Messages.Count(m => m.SystemTopic && !refused.Contains(m.Number) && m.Topic.StartsWith("om/v1/deadletter", StringComparison.Ordinal));
        await Eventually.HoldsAsync(() => Task.FromResult(deadLetters.Received.Count >= expectedDeadLetters + forged), Timeout, () => $"{expectedDeadLetters} dead letters (at {ReceivedDeadLetters(deadLetters).Count})");
        var received = ReceivedDeadLetters(deadLetters);

        // Every hostile message or item, and nothing else, is dead-lettered with its code.
        var mismatches = MatchDeadLetters(delivered, received);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} dead-letter mismatches, first: {string.Join("; ", mismatches.Take(10))}");
        Assert.Equal(expectedDeadLetters, received.Count);
        var byCode = received.GroupBy(d => d.GetProperty("code").GetString()!).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(byCode.OrderBy(p => p.Key), status.DeadLetters.OrderBy(p => p.Key));

        // Every valid item counted once: duplicates are told as such, the totals exact at every line and above.
        Assert.Equal(duplicates, status.Duplicates);
        await Rollups.FlushAllAsync(_hosts.Grains);
        var marker = new ValidItem("ent-2/p1", "output", "final-marker", 1, 0, 0);
        foreach (var line in counted.Append(marker).GroupBy(i => i.Line))
        {
            var today = (await _hosts.Grains.GetScopeGrain(ScopeId.Parse($"line:{line.Key}")).GetSnapshotAsync())!.Today;
            Assert.Equal((line.Sum(i => i.Good), line.Sum(i => i.Scrap), line.Sum(i => i.Tons)), (today.Good, today.Scrap, today.Tons));
        }

        var province = (await _hosts.Grains.GetScopeGrain(ScopeId.Parse("region:prov")).GetSnapshotAsync())!.Today;
        Assert.Equal(counted.Sum(i => i.Good) + 1, province.Good);
        Assert.Equal(counted.Sum(i => i.Tons), province.Tons);

        var units = stream.Messages.Sum(m => refused.Contains(m.Number) || m.SystemTopic ? 1 : m.Items.Count + m.Rejections.Count);
        var lost = units - (status.Readings - 1) - status.Duplicates - received.Count - refused.Count - stream.Messages.Count(m => m.SystemTopic);
        await WriteReportAsync(stream, refused, received, status.Readings - 1, status.Duplicates, units, lost);
        Assert.Equal(0, lost);
    }

    /// <summary>Publishes the stream; returns the numbers of the messages the broker refused (measured, not assumed).</summary>
    private static async Task<HashSet<int>> PublishAsync(int port, MqttTestClient device, IReadOnlyList<PlannedMessage> messages)
    {
        var refused = new HashSet<int>();
        foreach (var message in messages.Where(m => m.Raw))
        {
            if (!await RawMqttPublisher.PublishAsync(port, message.TopicBytes ?? Encoding.UTF8.GetBytes(message.Topic), message.Payload))
            {
                refused.Add(message.Number);
            }
        }

        // A window of publishes in flight at once, as a busy device would.
        foreach (var window in messages.Where(m => !m.Raw).Chunk(64))
        {
            var results = await Task.WhenAll(window.Select(m => device.PublishAsync(m.Topic, m.Payload)));
            refused.UnionWith(window.Zip(results).Where(p => p.Second.ReasonCode != MqttClientPublishReasonCode.Success).Select(p => p.First.Number));
        }

        return refused;
    }

    /// <summary>The valid items that count (first of each line, channel and id) and how many are duplicates.</summary>
    private static (List<ValidItem> Counted, int Duplicates) ExpectedReadings(IEnumerable<PlannedMessage> delivered)
    {
        var seen = new HashSet<(string, string, string)>();
        var counted = new List<ValidItem>();
        var duplicates = 0;
        foreach (var item in delivered.SelectMany(m => m.Items))
        {
            if (seen.Add((item.Line, item.Channel, item.Id)))
            {
                counted.Add(item);
            }
            else
            {
                duplicates++;
            }
        }

        return (counted, duplicates);
    }

    /// <summary>The gateway's dead letters (not the forged messages the stream itself sent to dead-letter topics).</summary>
    private static List<JsonElement> ReceivedDeadLetters(MqttTestClient client) =>
        [.. client.Received.Select(m => JsonDocument.Parse(m.Payload).RootElement).Where(d => d.GetProperty("code").GetString() != "forged")];

    private static List<string> MatchDeadLetters(List<PlannedMessage> delivered, List<JsonElement> received)
    {
        var expected = new Dictionary<string, List<string>>();
        foreach (var message in delivered)
        {
            foreach (var (index, code) in message.Rejections)
            {
                var key = message.ByTopic ? $"topic {message.Topic}" : $"message {message.Number} index {index?.ToString(CultureInfo.InvariantCulture) ?? "-"}";
                (expected.TryGetValue(key, out var codes) ? codes : expected[key] = []).Add(code);
            }
        }

        var actual = new Dictionary<string, List<string>>();
        foreach (var deadLetter in received)
        {
            var topic = deadLetter.GetProperty("topic").GetString()!;
            var index = deadLetter.TryGetProperty("index", out var i) ? i.GetInt32().ToString(CultureInfo.InvariantCulture) : "-";
            // A UTF-16 payload reads as UTF-8 with NULs between the marker's characters.
            var marker = HostileTelemetry.MarkerPattern.Match(deadLetter.GetProperty("payload").GetString()!.Replace("\0", "", StringComparison.Ordinal));
            var key = topic is HostileTelemetry.NoiseTopic or HostileTelemetry.StructureTopic
                ? $"topic {topic}"
                : marker.Success ? $"message {int.Parse(marker.Groups[1].Value, CultureInfo.InvariantCulture)} index {index}" : $"unmatched {deadLetter}";
            (actual.TryGetValue(key, out var codes) ? codes : actual[key] = []).Add(deadLetter.GetProperty("code").GetString()!);
        }

        var mismatches = new List<string>();
        foreach (var key in expected.Keys.Union(actual.Keys))
        {
            var want = expected.GetValueOrDefault(key) ?? [];
            var got = actual.GetValueOrDefault(key) ?? [];
            var same = want.Count == got.Count && (want.All(c => c == "*") || want.Order().SequenceEqual(got.Order()));
            if (!same)
            {
                mismatches.Add($"{key}: expected [{string.Join(',', want)}], got [{string.Join(',', got)}]{Describe(delivered, key)}");
            }
        }

        return mismatches;
    }

    private static string Describe(List<PlannedMessage> delivered, string key)
    {
        var parts = key.Split(' ');
        if (parts[0] != "message")
        {
            return "";
        }

        var message = delivered.First(m => m.Number == int.Parse(parts[1], CultureInfo.InvariantCulture));
        var payload = Encoding.UTF8.GetString(message.Payload);
        return $" ({message.Category} on {message.Topic}: {(payload.Length > 300 ? payload[..300] + "…" : payload)})";
    }

    private async Task WriteReportAsync(HostileTelemetry stream, HashSet<int> refused, List<JsonElement> received, long counted, long duplicates, int units, long lost)
    {
        var codes = received.Select(d => d.GetProperty("code").GetString()!).Distinct().Order().ToList();
        var report = new List<string>
        {
            $"Hostile MQTT stream, seed {Seed}: {stream.Messages.Count} messages ({units} items) through mosquitto into the gateway and silo",
            "",
            $"{"category",-22} {"sent",6} {"refused",8} {"ignored",8} {"valid",7}  expected rejections by code",
        };
        foreach (var category in stream.Messages.GroupBy(m => m.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var taken = category.Where(m => !refused.Contains(m.Number) && !m.SystemTopic).ToList();
            var byCode = taken.SelectMany(m => m.Rejections).GroupBy(r => r.Code == "*" ? "some code" : r.Code).Select(g => $"{g.Key} {g.Count()}");
            report.Add($"{category.Key,-22} {category.Count(),6} {category.Count(m => refused.Contains(m.Number)),8} {category.Count(m => m.SystemTopic),8} {taken.Sum(m => m.Items.Count),7}  {string.Join(", ", byCode)}");
        }

        report.Add("");
        report.Add($"sent: {stream.Messages.Count} messages, {units} items; refused by the broker: {refused.Count} ({string.Join(", ", stream.Messages.Where(m => refused.Contains(m.Number)).Select(m => Printable(m.Topic)))})");
        report.Add($"ignored (system topics, by design): {stream.Messages.Count(m => m.SystemTopic)}");
        report.Add($"accepted: {counted} readings counted, {duplicates} duplicates counted once");
        report.Add($"dead-lettered: {received.Count} ({string.Join(", ", codes.Select(c => $"{c} {received.Count(d => d.GetProperty("code").GetString() == c)}"))})");
        report.Add($"lost: {lost}");
        foreach (var line in report)
        {
            output.WriteLine(line);
        }

        Directory.CreateDirectory(Path.Combine(WebProduct.RepositoryRoot, "artifacts"));
        await File.WriteAllLinesAsync(Path.Combine(WebProduct.RepositoryRoot, "artifacts", "hostile-mqtt.txt"), report);
    }

    private static string Printable(string topic)
    {
        var text = string.Concat(topic.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length > 40 ? text[..40] + "…" : text;
    }
}
