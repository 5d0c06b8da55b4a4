using System.Text;
using OutputMonitor.Gateway.Telemetry;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Gateway;

/// <summary>Mutated valid payloads: the parser never throws and accounts for every message.</summary>
public class ParserFuzzTests
{
    private const int Iterations = 5_000;

    private static readonly (string Topic, string Json)[] Seeds =
    [
        (OutputTopic, """{"id":"j2-88121","seq":88121,"ts":$ts,"good":120,"scrap":2}"""),
        (OutputTopic, """[{"id":"a","ts":$ts,"good":1},{"id":"b","ts":"2025-03-26T09:35:03.120+08:00","good":2,"x":[1,{"y":null}]}]"""),
        (ShipmentTopic, """{"id":"voy-04","ts":"2025-03-26T01:35:03Z","tons":52000.125,"mode":"vessel","from":"Boké","to":"日照"}"""),
        (StateTopic, """{"id":"j2-s-9","ts":$ts,"state":"down","reason":"CIP cleaning \u00e9"}"""),
        (SensorTopic, """{"id":"s","ts":$ts,"values":{"temp.c":81.5,"p_bar":-2e-3,"rpm":1500}}"""),
        (SensorTopic, """[{"id":"s1","ts":$ts,"values":{"t":1}},{"id":"s2","ts":$ts,"values":{"t":2,"\u0075":3}}]"""),
    ];

    private static readonly string[] Topics =
    [
        OutputTopic, ShipmentTopic, StateTopic, SensorTopic,
        "om/v1/joincare/api-line-2", "om/v1/Joincare/x/output", "om/v1/deadletter/unrouted", "om/v1/alerts/a/b", "om/v1/a/b/c/d",
    ];

    private static readonly byte[][] Fragments =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
        "\\"u8.ToArray(), "\\u"u8.ToArray(), "\\ud800"u8.ToArray(), "null"u8.ToArray(), "NaN"u8.ToArray(), "-"u8.ToArray(),
        "1e400"u8.ToArray(), "99999999999999999999999"u8.ToArray(), "0.5"u8.ToArray(), "\"good\":"u8.ToArray(),
        "\"ts\":"u8.ToArray(), "\"id\":"u8.ToArray(), "\"values\":{"u8.ToArray(), [0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80], [0x00],
        Encoding.UTF8.GetBytes(new string('[', 40)),
    ];

    /// <summary>JSON values that keep the payload well-formed but probe every field rule.</summary>
    private static readonly string[] Values =
    [
        "0", "-1", "1.5", "1e400", "-1e400", "99999999999999999999999", "1000000", "1000001", "7.0", "null", "true", "[]", "{}",
        "\"\"", "\"x\"", "\"\\ud800\"", "\"NaN\"", "\"running\"", "\"vessel\"", "\"2025-03-26T01:35:03Z\"", "\"2025-03-26T01:35:03\"",
        "1742952903120", "1742952903", "{\"t\":1}", "{\"bad name\":1}", "[{\"id\":\"n\"}]",
    ];

    [Fact]
    public void Mutated_payloads_never_throw_and_every_message_is_accounted_for()
    {
        var random = new Random(20251122);
        var parser = Parser();
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < Iterations; i++)
        {
            var (seedTopic, seedJson) = Seeds[random.Next(Seeds.Length)];
            var topic = random.Next(10) == 0 ? Topics[random.Next(Topics.Length)] : seedTopic;
            var bytes = Mutate(random, Encoding.UTF8.GetBytes(Json(seedJson)));

            var message = parser.Parse(topic, new(bytes));
            var segmented = parser.Parse(topic, Segmented(bytes, 1 + random.Next(16)));

            AssertWellFormed(message, bytes);
            AssertSameResult(message, segmented);
            var key = message.IsSystemTopic ? "system" : message.Rejections.Count == 0 ? "readings" : message.Rejections[0].Code;
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        // The mutations reach the interesting paths, not only one of them.
        foreach (var outcome in new[] { "readings", "system", RejectionCodes.BadTopic, RejectionCodes.MalformedJson, RejectionCodes.SchemaViolation, RejectionCodes.ValueOutOfRange, RejectionCodes.TimestampOutOfRange })
        {
            Assert.True(outcomes.GetValueOrDefault(outcome) >= 50, string.Join(", ", outcomes));
        }
    }

    private static void AssertWellFormed(TelemetryMessage message, byte[] payload)
    {
        if (message.IsSystemTopic)
        {
            Assert.Empty(message.Readings);
            Assert.Empty(message.Rejections);
            return;
        }

        Assert.True(message.Readings.Count + message.Rejections.Count >= 1, Encoding.UTF8.GetString(payload));
        foreach (var rejection in message.Rejections)
        {
            Assert.Contains(rejection.Code, RejectionCodes.All);
            Assert.NotEqual(RejectionCodes.UnknownLine, rejection.Code);
            Assert.DoesNotContain("could not be parsed", rejection.Reason, StringComparison.Ordinal);
            Assert.InRange(rejection.Reason.Length, 1, 120);
            Assert.InRange(rejection.Payload.Length, 0, TelemetryParser.MaxDeadLetterPayloadChars);
            Assert.True(rejection.Index is null or >= 0 and < TelemetryParser.MaxBatchItems);
        }

        foreach (var reading in message.Readings)
        {
            Assert.Null(reading.Id);
            Assert.InRange(reading.Timestamp, NowMs - 604_800_000, NowMs + 300_000);
            Assert.Equal(message.Address!.Channel, reading.Channel);
        }

        if (message.Rejections.Any(r => r.Index is null))
        {
            // A rejection of the whole message (or a single object) stands alone.
            Assert.Empty(message.Readings);
            Assert.Single(message.Rejections);
        }
    }

    private static byte[] Mutate(Random random, byte[] bytes)
    {
        var data = new List<byte>(bytes);
        if (random.Next(2) == 0)
        {
            // Replace the values after one to three colons: mostly still JSON, so the field rules are what is tested.
            for (var m = 1 + random.Next(3); m > 0; m--)
            {
                var colons = Enumerable.Range(0, data.Count).Where(i => data[i] == ':').ToArray();
                var start = colons[random.Next(colons.Length)] + 1;
                var end = start;
                while (end < data.Count && data[end] is not ((byte)',' or (byte)'}' or (byte)']'))
                {
                    end++;
                }

                data.RemoveRange(start, end - start);
                data.InsertRange(start, Encoding.UTF8.GetBytes(Values[random.Next(Values.Length)]));
            }

            return [.. data];
        }

        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 3:
                    data.InsertRange(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 4:
                    data.RemoveRange(at, Math.Min(1 + random.Next(8), data.Count - at));
                    break;
                default:
                    data.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. data];
    }
}
