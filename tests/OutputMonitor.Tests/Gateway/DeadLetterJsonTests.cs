using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Gateway;

public partial class DeadLetterJsonTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 22, 6, 15, 3, 120, TimeSpan.Zero);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex Rfc3339UtcMilliseconds();

    private static JsonElement RoundTrip(DeadLetter deadLetter)
    {
        using var document = JsonDocument.Parse(DeadLetterJson.Serialize(deadLetter));
        return document.RootElement.Clone();
    }

    [Fact]
    public void A_batch_item_dead_letter_has_exactly_the_spec_properties_in_order()
    {
        var json = RoundTrip(new DeadLetter("schema_violation", "field 'good' must be an integer >= 0", "om/v1/joincare/api-line-2/output", 3, "{\"good\":\"5\"}", ReceivedAt));

        Assert.Equal(["code", "reason", "topic", "index", "payload", "receivedAt"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("schema_violation", json.GetProperty("code").GetString());
        Assert.Equal("field 'good' must be an integer >= 0", json.GetProperty("reason").GetString());
        Assert.Equal("om/v1/joincare/api-line-2/output", json.GetProperty("topic").GetString());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("index").ValueKind);
        Assert.Equal(3, json.GetProperty("index").GetInt32());
        Assert.Equal("{\"good\":\"5\"}", json.GetProperty("payload").GetString());
        Assert.Equal("2026-11-22T06:15:03.120Z", json.GetProperty("receivedAt").GetString());
    }

    [Fact]
    public void The_index_is_omitted_when_there_is_none()
    {
        var json = RoundTrip(new DeadLetter("bad_topic", "topic must start with om/v1/", "x/y", null, "{}", ReceivedAt));

        Assert.Equal(["code", "reason", "topic", "payload", "receivedAt"], json.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("2026-11-22T14:15:03.12+08:00", "2026-11-22T06:15:03.120Z")]
    [InlineData("2026-11-22T06:15:03Z", "2026-11-22T06:15:03.000Z")]
    [InlineData("2026-11-21T23:59:59.9999999-07:00", "2026-11-22T06:59:59.999Z")]
    public void Received_at_is_rfc3339_utc_with_milliseconds_and_z(string time, string expected)
    {
        var receivedAt = DateTimeOffset.Parse(time, CultureInfo.InvariantCulture);

        var text = RoundTrip(new DeadLetter("malformed_json", "r", "t", null, "p", receivedAt)).GetProperty("receivedAt").GetString()!;

        Assert.Equal(expected, text);
        Assert.Matches(Rfc3339UtcMilliseconds(), text);
    }

    [Fact]
    public void Received_at_ignores_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("ar-SA");
            Assert.Equal("2026-11-22T06:15:03.120Z", DeadLetterJson.FormatTime(ReceivedAt));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_payload_with_quotes_newlines_controls_and_unicode_round_trips()
    {
        const string payload = "{\"id\":\"港\u0001\"}\n\t</script>😀\\";

        Assert.Equal(payload, RoundTrip(new DeadLetter("malformed_json", "r", "t", null, payload, ReceivedAt)).GetProperty("payload").GetString());
    }

    [Fact]
    public void Create_takes_the_topic_from_the_message_and_the_rest_from_the_rejection()
    {
        var message = Parse(OutputTopic, """[{"id":"a","ts":$ts,"good":1},{"id":"b","ts":$ts,"good":-1}]""");
        var rejection = Assert.Single(message.Rejections);

        var deadLetter = DeadLetterJson.Create(message, rejection, ReceivedAt);

        Assert.Equal(
            new DeadLetter(RejectionCodes.ValueOutOfRange, "field 'good' must be between 0 and 1000000", OutputTopic, 1, Json("""{"id":"b","ts":$ts,"good":-1}"""), ReceivedAt),
            deadLetter);
        Assert.Equal("om/v1/deadletter/joincare/api-line-2/output", TelemetryTopics.DeadLetterTopic(message.Address));
    }

    [Fact]
    public void A_bad_topic_dead_letter_is_unrouted_and_carries_the_topic_as_received()
    {
        var message = Parse("om/v1/Acme/line/output", "{\"id\":1}");
        var deadLetter = DeadLetterJson.Create(message, Assert.Single(message.Rejections), ReceivedAt);

        var json = RoundTrip(deadLetter);

        Assert.Equal("om/v1/deadletter/unrouted", TelemetryTopics.DeadLetterTopic(message.Address));
        Assert.Equal("bad_topic", json.GetProperty("code").GetString());
        Assert.Equal("om/v1/Acme/line/output", json.GetProperty("topic").GetString());
        Assert.Equal("{\"id\":1}", json.GetProperty("payload").GetString());
        Assert.False(json.TryGetProperty("index", out _));
    }

    [Fact]
    public void A_payload_excerpt_is_the_text_cut_at_4096_chars()
    {
        var text = new string('a', 4095) + "😀" + new string('b', 10);

        Assert.Equal(new string('a', 4095), DeadLetterJson.PayloadExcerpt(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text))));
        Assert.Equal("a\uFFFDb", DeadLetterJson.PayloadExcerpt(new ReadOnlySequence<byte>([(byte)'a', 0xFF, (byte)'b'])));
    }

    [Fact]
    public void The_codes_are_the_seven_of_the_spec() =>
        Assert.Equal(
            ["bad_topic", "unknown_line", "payload_too_large", "malformed_json", "schema_violation", "value_out_of_range", "timestamp_out_of_range"],
            RejectionCodes.All);
}
