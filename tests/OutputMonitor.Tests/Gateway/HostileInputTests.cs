using System.Text;
using OutputMonitor.Gateway.Telemetry;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Gateway;

/// <summary>Input written to break the parser: bad encodings, deep nesting, huge numbers and payloads, odd framing.</summary>
public class HostileInputTests
{
    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(Json(s)) : (byte[])p)];

    // Encoding

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 })]
    public void Invalid_utf8_in_a_string_rejects_the_whole_message(byte[] bad)
    {
        var rejection = WholeMessageRejection(Parse(OutputTopic, Bytes("{\"id\":\"a", bad, "\",\"ts\":$ts,\"good\":1}")), RejectionCodes.MalformedJson);

        Assert.Equal("payload is not valid UTF-8", rejection.Reason);
        Assert.Contains('\uFFFD', rejection.Payload);
    }

    [Fact]
    public void Invalid_utf8_in_an_unknown_field_still_rejects_the_whole_message() =>
        WholeMessageRejection(Parse(OutputTopic, Bytes("{\"id\":\"a\",\"note\":\"", new byte[] { 0xC3, 0x28 }, "\",\"ts\":$ts,\"good\":1}")), RejectionCodes.MalformedJson);

    [Fact]
    public void Invalid_utf8_in_one_batch_item_rejects_the_whole_batch() =>
        WholeMessageRejection(
            Parse(OutputTopic, Bytes("[{\"id\":\"a\",\"ts\":$ts,\"good\":1},{\"id\":\"b", new byte[] { 0xFE }, "\",\"ts\":$ts,\"good\":1}]")),
            RejectionCodes.MalformedJson);

    [Fact]
    public void Invalid_utf8_outside_strings_is_malformed() =>
        WholeMessageRejection(Parse(OutputTopic, Bytes(new byte[] { 0xFF, 0xFE }, """{"id":"a","ts":$ts,"good":1}""")), RejectionCodes.MalformedJson);

    [Fact]
    public void A_utf8_byte_order_mark_is_ignored() =>
        Assert.Equal(KeyOf("a"), SingleReading(Parse(OutputTopic, Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, """{"id":"a","ts":$ts,"good":1}"""))).Key);

    [Fact]
    public void A_utf16_payload_is_malformed() =>
        WholeMessageRejection(Parse(OutputTopic, Encoding.Unicode.GetBytes(Json("""{"id":"a","ts":$ts,"good":1}"""))), RejectionCodes.MalformedJson);

    [Fact]
    public void A_raw_control_character_inside_a_string_is_malformed() =>
        WholeMessageRejection(Parse(OutputTopic, Bytes("{\"id\":\"a", new byte[] { 0x01 }, "\",\"ts\":$ts,\"good\":1}")), RejectionCodes.MalformedJson);

    // Nesting

    [Fact]
    public void Ten_thousand_open_brackets_are_malformed_because_too_deep()
    {
        var rejection = WholeMessageRejection(Parse(OutputTopic, new string('[', 10_000)), RejectionCodes.MalformedJson);

        Assert.Equal("payload is nested deeper than 16 levels", rejection.Reason);
        Assert.Equal(4096, rejection.Payload.Length);
    }

    [Fact]
    public void Ten_thousand_nested_objects_are_malformed_because_too_deep() =>
        Assert.Equal(
            "payload is nested deeper than 16 levels",
            WholeMessageRejection(Parse(OutputTopic, string.Concat(Enumerable.Repeat("{\"a\":", 10_000))), RejectionCodes.MalformedJson).Reason);

    [Fact]
    public void Sixteen_levels_of_nesting_in_an_unknown_field_are_accepted() =>
        SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":1,"x":{{new string('[', 15)}}{{new string(']', 15)}}}"""));

    [Fact]
    public void Seventeen_levels_of_nesting_in_an_unknown_field_are_malformed() =>
        WholeMessageRejection(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":1,"x":{{new string('[', 16)}}{{new string(']', 16)}}}"""), RejectionCodes.MalformedJson);

    [Fact]
    public void Sixteen_levels_in_a_batch_are_accepted() =>
        Assert.Single(Parse(OutputTopic, $$"""[{"id":"a","ts":$ts,"good":1,"x":{{new string('[', 14)}}{{new string(']', 14)}}}]""").Readings);

    [Fact]
    public void Seventeen_levels_in_a_batch_item_reject_the_whole_message() =>
        WholeMessageRejection(
            Parse(OutputTopic, $$"""[{"id":"ok","ts":$ts,"good":1},{"id":"a","ts":$ts,"good":1,"x":{{new string('[', 15)}}{{new string(']', 15)}}}]"""),
            RejectionCodes.MalformedJson);

    [Fact]
    public void Too_deep_nesting_inside_a_field_of_the_wrong_type_is_malformed() =>
        WholeMessageRejection(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":{{new string('[', 20)}}{{new string(']', 20)}}}"""), RejectionCodes.MalformedJson);

    [Fact]
    public void Too_deep_nesting_inside_sensor_values_is_malformed() =>
        WholeMessageRejection(Parse(SensorTopic, $$$"""{"id":"a","ts":$ts,"values":{"t":{{{new string('[', 20)}}}{{{new string(']', 20)}}}}}"""), RejectionCodes.MalformedJson);

    // JSON grammar

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("0x10")]
    [InlineData("1_000")]
    [InlineData("undefined")]
    public void Bare_tokens_that_are_not_json_numbers_are_malformed(string token) =>
        WholeMessageRejection(Parse(ShipmentTopic, $$"""{"id":"a","ts":$ts,"tons":{{token}}}"""), RejectionCodes.MalformedJson);

    [Theory]
    [InlineData("5")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("-0.5e3")]
    public void A_top_level_value_that_is_neither_object_nor_array_is_malformed(string payload) =>
        Assert.Equal(
            "payload must be a JSON object or an array of objects",
            WholeMessageRejection(Parse(OutputTopic, payload), RejectionCodes.MalformedJson).Reason);

    [Theory]
    [InlineData("""{"id":"a","ts":$ts,"good":1} x""")]
    [InlineData("""{"id":"a","ts":$ts,"good":1}{"id":"b","ts":$ts,"good":1}""")]
    [InlineData("""{"id":"a","ts":$ts,"good":1}}""")]
    [InlineData("""{"id":"a","ts":$ts,"good":1},""")]
    [InlineData("""{"id":"a","ts":$ts,"good":1} // note""")]
    [InlineData("""{"id":"a","ts":$ts,"good":1 /* note */}""")]
    [InlineData("""{'id':'a','ts':$ts,'good':1}""")]
    [InlineData("""{id:"a","ts":$ts,"good":1}""")]
    [InlineData("""{"id":"a","ts":$ts,"good":1,}""")]
    [InlineData("""{"id":"a","ts":$ts,"good":1""")]
    [InlineData("""{"id":"a","ts":$ts,"good":""")]
    [InlineData("""{"id":"a""")]
    [InlineData("""{"id":"a\x"}""")]
    [InlineData("""{"id":"a\u12"}""")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("]")]
    [InlineData("   ")]
    [InlineData("\0")]
    public void Text_that_is_not_a_single_json_value_is_malformed(string payload) =>
        WholeMessageRejection(Parse(OutputTopic, payload), RejectionCodes.MalformedJson);

    [Fact]
    public void An_empty_payload_is_malformed() =>
        Assert.Equal("payload is empty", WholeMessageRejection(Parse(OutputTopic, []), RejectionCodes.MalformedJson).Reason);

    [Fact]
    public void Whitespace_around_the_value_is_fine() =>
        SingleReading(Parse(OutputTopic, " \r\n\t{ \"id\" : \"a\" , \"ts\" : $ts , \"good\" : 1 }\n "));

    [Fact]
    public void A_syntax_error_reason_gives_the_position_and_does_not_echo_the_input()
    {
        var rejection = WholeMessageRejection(Parse(OutputTopic, "{\"id\":tr" + new string('u', 5000) + "e}"), RejectionCodes.MalformedJson);

        Assert.StartsWith("payload is not valid JSON (line 1, byte", rejection.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("uuu", rejection.Reason, StringComparison.Ordinal);
    }

    // Numbers

    [Fact]
    public void A_hundred_thousand_digit_integer_is_out_of_range() =>
        Assert.Equal(RejectionCodes.ValueOutOfRange, SingleRejection(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":{{new string('9', 100_000)}}}""")).Code);

    [Fact]
    public void One_followed_by_a_hundred_thousand_zero_decimals_is_the_integer_one() =>
        Assert.Equal(1, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":1.{{new string('0', 100_000)}}}""")).Good);

    [Fact]
    public void A_fraction_a_hundred_thousand_digits_down_is_not_an_integer() =>
        Assert.Equal(RejectionCodes.SchemaViolation, SingleRejection(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":1.{{new string('0', 100_000)}}1}""")).Code);

    [Theory]
    [InlineData("1e99999999999999999999")]
    [InlineData("1E+400")]
    [InlineData("100000000000000000000e-1")]
    public void Exponents_too_large_for_any_integer_are_out_of_range(string good) =>
        Assert.Equal(RejectionCodes.ValueOutOfRange, SingleRejection(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":{{good}}}""")).Code);

    [Theory]
    [InlineData("1e-99999999999999999999")]
    [InlineData("15e-1")]
    public void Tiny_exponents_make_a_fraction(string good) =>
        Assert.Equal(RejectionCodes.SchemaViolation, SingleRejection(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":{{good}}}""")).Code);

    [Theory]
    [InlineData("150e-1", 15)]
    [InlineData("0.5e1", 5)]
    [InlineData("0.000001e6", 1)]
    [InlineData("10E-1", 1)]
    public void Integers_written_with_exponents_are_integers(string good, long expected) =>
        Assert.Equal(expected, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":{{good}}}""")).Good);

    [Fact]
    public void A_hundred_thousand_digit_tonnage_is_out_of_range() =>
        Assert.Equal(RejectionCodes.ValueOutOfRange, SingleRejection(Parse(ShipmentTopic, $$"""{"id":"a","ts":$ts,"tons":{{new string('9', 100_000)}}}""")).Code);

    // Sizes

    [Fact]
    public void A_payload_of_exactly_256_KiB_is_parsed()
    {
        var payload = Padded(TelemetryParser.MaxPayloadBytes);

        Assert.Equal(262_144, payload.Length);
        Assert.Equal(KeyOf("big"), SingleReading(Parse(OutputTopic, payload)).Key);
    }

    [Fact]
    public void A_payload_one_byte_over_256_KiB_is_too_large()
    {
        var rejection = WholeMessageRejection(Parse(OutputTopic, Padded(TelemetryParser.MaxPayloadBytes + 1)), RejectionCodes.PayloadTooLarge);

        Assert.Equal("payload is 262145 bytes; the limit is 262144", rejection.Reason);
    }

    [Fact]
    public void A_300_KiB_payload_is_too_large_and_its_dead_letter_text_is_cut_at_4096_chars()
    {
        var payload = Padded(300 * 1024);

        var message = Parse(OutputTopic, payload);

        var rejection = WholeMessageRejection(message, RejectionCodes.PayloadTooLarge);
        Assert.Equal(Encoding.UTF8.GetString(payload)[..4096], rejection.Payload);
        Assert.NotNull(message.Address);
    }

    [Fact]
    public void A_300_KiB_payload_is_too_large_even_when_it_is_not_json() =>
        WholeMessageRejection(Parse(OutputTopic, new byte[300 * 1024]), RejectionCodes.PayloadTooLarge);

    [Fact]
    public void A_rejected_item_text_is_cut_at_4096_chars()
    {
        var json = $$"""{"id":"a","ts":$ts,"good":-1,"pad":"{{new string('p', 10_000)}}"}""";

        var rejection = SingleRejection(Parse(OutputTopic, json));

        Assert.Equal(Json(json)[..4096], rejection.Payload);
    }

    [Fact]
    public void Cutting_at_4096_chars_never_splits_a_surrogate_pair()
    {
        // The 4096th char is the first half of 😀.
        var json = "{\"pad\":\"" + new string('p', 4095 - 8) + "😀😀\"}";

        var rejection = WholeMessageRejection(Parse(OutputTopic, json), RejectionCodes.SchemaViolation);

        Assert.Equal(4095, rejection.Payload.Length);
        Assert.False(char.IsHighSurrogate(rejection.Payload[^1]));
    }

    [Fact]
    public void Text_of_multibyte_chars_is_cut_at_4096_chars_not_bytes()
    {
        var json = $$"""{"id":"a","ts":$ts,"good":-1,"pad":"{{new string('港', 5000)}}"}""";

        Assert.Equal(Json(json)[..4096], SingleRejection(Parse(OutputTopic, json)).Payload);
    }

    [Fact]
    public void A_long_id_is_not_echoed_in_the_reason()
    {
        var rejection = SingleRejection(Parse(OutputTopic, $$"""{"id":"{{new string('x', 10_000)}}","ts":$ts,"good":1}"""));

        Assert.DoesNotContain("xx", rejection.Reason, StringComparison.Ordinal);
        Assert.True(rejection.Reason.Length <= 80, rejection.Reason);
    }

    // Segmented sequences

    public static TheoryData<string> SegmentationPayloads() =>
    [
        """{"id":"j2-88121","seq":88121,"ts":$ts,"good":120,"scrap":2}""",
        """[{"id":"港-1","ts":"2025-03-26T09:35:03.120+08:00","good":1},{"id":"b","ts":$ts,"good":-1},7,{"id":"\u0063","ts":$ts,"good":1.0e2}]""",
        """{"id":"😀😀😀","ts":$ts,"good":99999999999999999999999,"pad":"é日😀"}""",
        """{"id":"a","ts":$ts,"good":1""",
        """[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]""",
        """{"id":"a","ts":"2025-03-26T01:35:03.120\u005a","good":1,"x":"\ud83d\ude00"}""",
    ];

    [Theory]
    [MemberData(nameof(SegmentationPayloads))]
    public void A_multi_segment_sequence_parses_the_same_as_one_segment(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(Json(json));
        var whole = Parse(OutputTopic, bytes);

        foreach (var size in new[] { 1, 2, 3, 5, 8, 13, 64 }.Where(size => size < bytes.Length))
        {
            var sequence = Segmented(bytes, size);
            Assert.False(sequence.IsSingleSegment);
            AssertSameResult(whole, Parser().Parse(OutputTopic, sequence));
        }
    }

    [Fact]
    public void A_sensor_message_in_one_byte_segments_parses_the_same() =>
        AssertSameResult(
            Parse(SensorTopic, """{"id":"s","ts":$ts,"values":{"t.1":1.5,"p":-2e-3,"t.1":7}}"""),
            Parser().Parse(SensorTopic, Segmented(Encoding.UTF8.GetBytes(Json("""{"id":"s","ts":$ts,"values":{"t.1":1.5,"p":-2e-3,"t.1":7}}""")), 1)));

    [Fact]
    public void A_256_KiB_payload_in_many_segments_parses_the_same() =>
        AssertSameResult(Parse(OutputTopic, Padded(TelemetryParser.MaxPayloadBytes)), Parser().Parse(OutputTopic, Segmented(Padded(TelemetryParser.MaxPayloadBytes), 4000)));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_valid_character_split_across_segments_is_valid_utf8(int split)
    {
        var bytes = Encoding.UTF8.GetBytes(Json("""{"id":"😀","ts":$ts,"good":1}"""));
        var at = Array.IndexOf(bytes, (byte)0xF0) + split;
        var sequence = Split(bytes, at);

        Assert.Equal(KeyOf("😀"), SingleReading(Parser().Parse(OutputTopic, sequence)).Key);
    }

    [Theory]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void An_invalid_character_split_across_segments_is_still_invalid(byte[] bad)
    {
        var bytes = Bytes("{\"id\":\"", bad, "\",\"ts\":$ts,\"good\":1}");
        foreach (var at in Enumerable.Range(7, bad.Length + 1))
        {
            WholeMessageRejection(Parser().Parse(OutputTopic, Split(bytes, at)), RejectionCodes.MalformedJson);
        }
    }

    [Fact]
    public void A_truncated_character_at_the_very_end_of_a_segmented_payload_is_invalid()
    {
        var bytes = Bytes("""{"id":"a","ts":$ts,"good":1}""", new byte[] { 0xE2, 0x82 });

        WholeMessageRejection(Parser().Parse(OutputTopic, Segmented(bytes, 4)), RejectionCodes.MalformedJson);
    }

    private static byte[] Padded(int size)
    {
        var head = Json("""{"id":"big","ts":$ts,"good":1,"pad":" """).TrimEnd();
        const string tail = "\"}";
        return Encoding.UTF8.GetBytes(head + new string('p', size - head.Length - tail.Length) + tail);
    }
}
