using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Gateway;

public class BatchTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(Ts);

    private static string Batch(int count, Func<int, string> item) =>
        "[" + string.Join(',', Enumerable.Range(0, count).Select(item)) + "]";

    [Fact]
    public void Valid_items_beside_invalid_ones_are_taken_with_their_values()
    {
        var message = Parse(OutputTopic, """
            [
              {"id":"b-0","ts":$ts,"good":10,"scrap":1,"seq":1},
              {"id":"b-1","ts":$ts,"good":"11"},
              {"id":"b-2","ts":$ts,"good":12},
              {"id":"b-3","ts":$ts,"good":-1},
              {"id":"b-4","ts":"2025-03-26T01:35:03.120Z","good":14}
            ]
            """);

        AssertSameReadings(
            [Reading.Output("b-0", At, 10, 1, seq: 1), Reading.Output("b-2", At, 12), Reading.Output("b-4", At, 14)],
            message.Readings);
        Assert.Equal(
            [(RejectionCodes.SchemaViolation, 1), (RejectionCodes.ValueOutOfRange, 3)],
            message.Rejections.Select(r => (r.Code, r.Index!.Value)));
        Assert.All(message.Rejections, r => Assert.Contains("'good'", r.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Each_invalid_item_gets_its_own_code_and_index()
    {
        var message = Parse(ShipmentTopic, """
            [{"ts":$ts,"tons":1},{"id":"x","ts":1,"tons":1},{"id":"y","ts":$ts,"tons":0},{"id":"z","ts":$ts,"tons":"1"},{"id":"ok","ts":$ts,"tons":2.5}]
            """);

        Assert.Equal(
            [
                (RejectionCodes.SchemaViolation, 0, true),
                (RejectionCodes.TimestampOutOfRange, 1, true),
                (RejectionCodes.ValueOutOfRange, 2, true),
                (RejectionCodes.SchemaViolation, 3, true),
            ],
            message.Rejections.Select(r => (r.Code, r.Index!.Value, r.Reason.Contains(FieldOf(r.Index!.Value), StringComparison.Ordinal))));
        AssertSameReadings([Reading.Shipment("ok", At, 2.5m)], message.Readings);
    }

    private static string FieldOf(int index) => index switch
    {
        0 => "'id'",
        1 => "'ts'",
        _ => "'tons'",
    };

    [Fact]
    public void The_payload_of_a_rejected_item_is_that_item_as_sent()
    {
        var message = Parse(OutputTopic, """[{"id":"a","ts":$ts,"good":1} , { "id" : "b", "good" : -1 }]""");

        var rejection = Assert.Single(message.Rejections);
        Assert.Equal("""{ "id" : "b", "good" : -1 }""", rejection.Payload);
        Assert.Equal(1, rejection.Index);
    }

    [Fact]
    public void A_single_object_is_rejected_without_an_index()
    {
        var rejection = SingleRejection(Parse(OutputTopic, """{"id":"a","ts":$ts,"good":-1}"""));

        Assert.Null(rejection.Index);
        Assert.Equal(Json("""{"id":"a","ts":$ts,"good":-1}"""), rejection.Payload);
    }

    [Fact]
    public void A_batch_of_one_object_rejects_with_index_zero() =>
        Assert.Equal(0, SingleRejection(Parse(OutputTopic, """[{"id":"a","ts":$ts,"good":-1}]""")).Index);

    [Theory]
    [InlineData("5", 1)]
    [InlineData("\"text\"", 1)]
    [InlineData("null", 1)]
    [InlineData("true", 1)]
    [InlineData("[]", 1)]
    [InlineData("[{\"id\":\"n\",\"ts\":1742952903120,\"good\":1}]", 1)]
    public void An_element_that_is_not_an_object_is_rejected_alone_as_malformed(string element, int index)
    {
        var message = Parse(OutputTopic, $$"""[{"id":"a","ts":$ts,"good":1},{{element}},{"id":"c","ts":$ts,"good":3}]""");

        var rejection = Assert.Single(message.Rejections);
        Assert.Equal((RejectionCodes.MalformedJson, index, element), (rejection.Code, rejection.Index!.Value, rejection.Payload));
        Assert.Equal([KeyOf("a"), KeyOf("c")], message.Readings.Select(r => r.Key));
    }

    [Fact]
    public void An_empty_batch_is_malformed() =>
        WholeMessageRejection(Parse(OutputTopic, "[]"), RejectionCodes.MalformedJson);

    [Fact]
    public void A_batch_of_exactly_1000_items_is_taken_whole()
    {
        var message = Parse(OutputTopic, Batch(1000, i => $$"""{"id":"i-{{i}}","ts":$ts,"good":{{i}}}"""));

        Assert.Empty(message.Rejections);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), message.Readings.Select(r => r.Good));
    }

    [Fact]
    public void A_batch_of_1001_items_is_too_large_as_a_whole()
    {
        var rejection = WholeMessageRejection(Parse(OutputTopic, Batch(1001, i => $$"""{"id":"i-{{i}}","ts":$ts,"good":1}""")), RejectionCodes.PayloadTooLarge);

        Assert.Contains("1000", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_of_1001_invalid_elements_is_too_large_rather_than_1001_rejections() =>
        WholeMessageRejection(Parse(OutputTopic, Batch(1001, _ => "0")), RejectionCodes.PayloadTooLarge);

    [Fact]
    public void A_batch_of_1000_invalid_items_gives_1000_rejections_in_order()
    {
        var message = Parse(OutputTopic, Batch(1000, i => $$"""{"id":"i-{{i}}","ts":$ts,"good":-{{i + 1}}}"""));

        Assert.Empty(message.Readings);
        Assert.Equal(Enumerable.Range(0, 1000), message.Rejections.Select(r => r.Index!.Value));
        Assert.All(message.Rejections, r => Assert.Equal(RejectionCodes.ValueOutOfRange, r.Code));
    }

    [Fact]
    public void Trailing_garbage_after_a_batch_rejects_the_whole_message_including_valid_items() =>
        WholeMessageRejection(Parse(OutputTopic, """[{"id":"a","ts":$ts,"good":1}] x"""), RejectionCodes.MalformedJson);

    [Fact]
    public void A_batch_cut_short_is_malformed_as_a_whole() =>
        WholeMessageRejection(Parse(OutputTopic, """[{"id":"a","ts":$ts,"good":1},{"id":"b","""), RejectionCodes.MalformedJson);

    [Fact]
    public void A_trailing_comma_in_a_batch_is_malformed() =>
        WholeMessageRejection(Parse(OutputTopic, """[{"id":"a","ts":$ts,"good":1},]"""), RejectionCodes.MalformedJson);

    [Fact]
    public void Items_of_a_sensor_batch_each_keep_their_own_values()
    {
        var message = Parse(SensorTopic, """[{"id":"a","ts":$ts,"values":{"t":1}},{"id":"b","ts":$ts,"values":{"t":"x"}},{"id":"c","ts":$ts,"values":{"t":3,"p":4}}]""");

        AssertSameReadings(
            [Reading.Sensor("a", At, [new("t", 1)]), Reading.Sensor("c", At, [new("t", 3), new("p", 4)])],
            message.Readings);
        Assert.Equal(1, Assert.Single(message.Rejections).Index);
    }

    [Fact]
    public void A_batch_of_state_changes_keeps_payload_order()
    {
        var message = Parse(StateTopic, """[{"id":"s1","ts":$ts,"state":"running"},{"id":"s2","ts":$ts,"state":"down","reason":"jam"},{"id":"s3","ts":$ts,"state":"idle"}]""");

        Assert.Equal([LineState.Running, LineState.Down, LineState.Idle], message.Readings.Select(r => r.State));
        Assert.Equal("jam", message.Readings[1].Reason);
    }

    [Fact]
    public void The_payload_of_a_rejected_item_keeps_non_ascii_text() =>
        Assert.Equal(
            Json("""{"id":"港-1","ts":$ts,"tons":-1,"to":"日照"}"""),
            SingleRejection(Parse(ShipmentTopic, """[{"id":"港-1","ts":$ts,"tons":-1,"to":"日照"}]""")).Payload);
}
