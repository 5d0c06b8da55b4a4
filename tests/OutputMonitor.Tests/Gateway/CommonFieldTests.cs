using System.Globalization;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Gateway;

/// <summary>The fields every item has: id, ts, seq.</summary>
public class CommonFieldTests
{
    private static string Iso(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Rejection Rejected(string json, string code, string field)
    {
        var rejection = SingleRejection(Parse(OutputTopic, json));
        Assert.Equal(code, rejection.Code);
        Assert.Contains($"'{field}'", rejection.Reason, StringComparison.Ordinal);
        Assert.Null(rejection.Index);
        return rejection;
    }

    // id

    [Theory]
    [InlineData("""{"ts":$ts,"good":5}""")]
    [InlineData("""{"id":null,"ts":$ts,"good":5}""")]
    [InlineData("""{"ID":"a","ts":$ts,"good":5}""")]
    public void A_missing_id_is_a_schema_violation(string json) =>
        Assert.Equal("field 'id' is required", Rejected(json, RejectionCodes.SchemaViolation, "id").Reason);

    [Theory]
    [InlineData("""{"id":5,"ts":$ts,"good":5}""")]
    [InlineData("""{"id":true,"ts":$ts,"good":5}""")]
    [InlineData("""{"id":["a"],"ts":$ts,"good":5}""")]
    [InlineData("""{"id":{"a":1},"ts":$ts,"good":5}""")]
    [InlineData("""{"id":"","ts":$ts,"good":5}""")]
    [InlineData("""{"id":"\ud800","ts":$ts,"good":5}""")]
    [InlineData("""{"id":"a\udc00b","ts":$ts,"good":5}""")]
    public void An_id_that_is_not_a_non_empty_string_is_a_schema_violation(string json) =>
        Assert.Equal("field 'id' must be a string of 1 to 128 characters", Rejected(json, RejectionCodes.SchemaViolation, "id").Reason);

    [Fact]
    public void A_reading_carries_the_key_of_its_id_and_channel_not_the_id()
    {
        var reading = SingleReading(Parse(StateTopic, """{"id":"j2-s-9","ts":$ts,"state":"down"}"""));

        Assert.Null(reading.Id);
        Assert.Equal(KeyOf("j2-s-9", TelemetryChannel.State), reading.Key);
    }

    [Fact]
    public void An_id_of_128_chars_is_accepted()
    {
        var id = new string('x', 128);
        Assert.Equal(KeyOf(id), SingleReading(Parse(OutputTopic, $$"""{"id":"{{id}}","ts":$ts,"good":5}""")).Key);
    }

    [Fact]
    public void An_id_of_129_chars_is_a_schema_violation() =>
        Rejected($$"""{"id":"{{new string('x', 129)}}","ts":$ts,"good":5}""", RejectionCodes.SchemaViolation, "id");

    [Fact]
    public void An_id_of_128_chars_written_as_escapes_is_accepted()
    {
        var escaped = string.Concat(Enumerable.Repeat("\\u0041", 128));
        Assert.Equal(KeyOf(new string('A', 128)), SingleReading(Parse(OutputTopic, $$"""{"id":"{{escaped}}","ts":$ts,"good":5}""")).Key);
    }

    [Fact]
    public void An_id_of_129_chars_written_as_escapes_is_a_schema_violation() =>
        Rejected($$"""{"id":"{{string.Concat(Enumerable.Repeat("\\u0041", 129))}}","ts":$ts,"good":5}""", RejectionCodes.SchemaViolation, "id");

    [Fact]
    public void Id_length_counts_utf16_chars_so_64_emoji_fit_and_65_do_not()
    {
        Assert.Equal(KeyOf(string.Concat(Enumerable.Repeat("😀", 64))), SingleReading(Parse(OutputTopic, $$"""{"id":"{{string.Concat(Enumerable.Repeat("😀", 64))}}","ts":$ts,"good":5}""")).Key);
        Rejected($$"""{"id":"{{string.Concat(Enumerable.Repeat("😀", 65))}}","ts":$ts,"good":5}""", RejectionCodes.SchemaViolation, "id");
    }

    [Fact]
    public void Escapes_in_an_id_are_decoded() =>
        Assert.Equal(KeyOf("A-é-😀\""), SingleReading(Parse(OutputTopic, """{"id":"\u0041-\u00e9-\ud83d\ude00\"","ts":$ts,"good":5}""")).Key);

    [Fact]
    public void A_unicode_id_is_kept_as_sent() =>
        Assert.Equal(KeyOf("批次-7"), SingleReading(Parse(OutputTopic, """{"id":"批次-7","ts":$ts,"good":5}""")).Key);

    // ts

    [Theory]
    [InlineData("""{"id":"a","good":5}""")]
    [InlineData("""{"id":"a","ts":null,"good":5}""")]
    public void A_missing_ts_is_a_schema_violation(string json) =>
        Assert.Equal("field 'ts' is required", Rejected(json, RejectionCodes.SchemaViolation, "ts").Reason);

    [Theory]
    [InlineData("""{"id":"a","ts":true,"good":5}""")]
    [InlineData("""{"id":"a","ts":[1742952903120],"good":5}""")]
    [InlineData("""{"id":"a","ts":{"ms":1742952903120},"good":5}""")]
    [InlineData("""{"id":"a","ts":1742952903120.5,"good":5}""")]
    [InlineData("""{"id":"a","ts":1742952903120e-3,"good":5}""")]
    public void A_ts_of_the_wrong_json_type_is_a_schema_violation(string json) =>
        Rejected(json, RejectionCodes.SchemaViolation, "ts");

    [Theory]
    [InlineData("yesterday")]
    [InlineData("")]
    [InlineData("1742952903120")]
    [InlineData("2025-03-26")]
    [InlineData("2025-03-26T01:35")]
    [InlineData("2025-03-26T01:35:03.Z")]
    [InlineData("2025-02-30T01:35:03Z")]
    [InlineData("2025-13-01T01:35:03Z")]
    [InlineData("2025-03-26T24:00:00Z")]
    [InlineData("2025-03-26T01:60:00Z")]
    [InlineData("2025-03-26T01:35:03+24:00")]
    [InlineData("2025-03-26T01:35:03+0800")]
    [InlineData("2025-03-26T01:35:03+08")]
    [InlineData("2025-03-26T01:35:03 Z")]
    [InlineData("2025-03-26T01:35:03ZZ")]
    [InlineData("2025-03-26X01:35:03Z")]
    [InlineData("Wed, 26 Mar 2025 01:35:03 GMT")]
    [InlineData("+2025-03-26T01:35:03Z")]
    [InlineData("２０２５-03-26T01:35:03Z")]
    public void An_unparsable_ts_string_is_out_of_range(string ts) =>
        Rejected($$"""{"id":"a","ts":"{{ts}}","good":5}""", RejectionCodes.TimestampOutOfRange, "ts");

    [Theory]
    [InlineData("2025-03-26T01:35:03")]
    [InlineData("2025-03-26T01:35:03.120")]
    public void A_ts_without_offset_is_out_of_range_and_says_so(string ts) =>
        Assert.Contains("offset", Rejected($$"""{"id":"a","ts":"{{ts}}","good":5}""", RejectionCodes.TimestampOutOfRange, "ts").Reason, StringComparison.Ordinal);

    [Theory]
    [InlineData("2025-03-26T01:35:03.120Z", 1742952903120)]
    [InlineData("2025-03-26T01:35:03.120z", 1742952903120)]
    [InlineData("2025-03-26t01:35:03.120Z", 1742952903120)]
    [InlineData("2025-03-26 01:35:03.120Z", 1742952903120)]
    [InlineData("2025-03-26T09:35:03.120+08:00", 1742952903120)]
    [InlineData("2025-03-25T20:05:03.120-05:30", 1742952903120)]
    [InlineData("2025-03-26T01:35:03.120-00:00", 1742952903120)]
    [InlineData("2025-03-26T01:35:03Z", 1742952903000)]
    [InlineData("2025-03-26T01:35:03.1Z", 1742952903100)]
    [InlineData("2025-03-26T01:35:03.123456789Z", 1742952903123)]
    [InlineData("2025-03-26T01:35:03.999999999999Z", 1742952903999)]
    [InlineData("2025-03-26T01:34:60Z", 1742952900000)]
    public void Rfc3339_times_with_an_offset_are_read_to_epoch_milliseconds(string ts, long expected) =>
        Assert.Equal(expected, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":"{{ts}}","good":5}""")).Timestamp);

    [Fact]
    public void An_escaped_rfc3339_time_is_decoded_first() =>
        Assert.Equal(1742952903120, SingleReading(Parse(OutputTopic, """{"id":"a","ts":"2025-03-26T01:35:03.120\u005a","good":5}""")).Timestamp);

    [Theory]
    [InlineData("1742952903120", 1742952903120)]
    [InlineData("1742952903120.0", 1742952903120)]
    [InlineData("1.74295290312e12", 1742952903120)]
    public void An_integer_ts_is_epoch_milliseconds(string ts, long expected) =>
        Assert.Equal(expected, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":{{ts}},"good":5}""")).Timestamp);

    [Fact]
    public void A_ts_exactly_5_minutes_ahead_is_accepted() =>
        Assert.Equal(NowMs + 300_000, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":{{NowMs + 300_000}},"good":5}""")).Timestamp);

    [Fact]
    public void A_ts_more_than_5_minutes_ahead_is_out_of_range() =>
        Assert.Contains("ahead", Rejected($$"""{"id":"a","ts":{{NowMs + 300_001}},"good":5}""", RejectionCodes.TimestampOutOfRange, "ts").Reason, StringComparison.Ordinal);

    [Fact]
    public void A_ts_exactly_7_days_behind_is_accepted() =>
        Assert.Equal(NowMs - 604_800_000, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":{{NowMs - 604_800_000}},"good":5}""")).Timestamp);

    [Fact]
    public void A_ts_more_than_7_days_behind_is_out_of_range() =>
        Assert.Contains("behind", Rejected($$"""{"id":"a","ts":{{NowMs - 604_800_001}},"good":5}""", RejectionCodes.TimestampOutOfRange, "ts").Reason, StringComparison.Ordinal);

    [Fact]
    public void An_rfc3339_ts_more_than_5_minutes_ahead_is_out_of_range() =>
        Rejected($$"""{"id":"a","ts":"{{Iso(NowMs + 300_001)}}","good":5}""", RejectionCodes.TimestampOutOfRange, "ts");

    [Fact]
    public void An_rfc3339_ts_more_than_7_days_behind_is_out_of_range() =>
        Rejected($$"""{"id":"a","ts":"{{Iso(NowMs - 604_800_001)}}","good":5}""", RejectionCodes.TimestampOutOfRange, "ts");

    [Fact]
    public void The_window_follows_the_clock()
    {
        var parser = Parser(Now.AddDays(30));

        var message = parser.Parse(OutputTopic, new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(Json("""{"id":"a","ts":$ts,"good":5}"""))));

        Assert.Equal(RejectionCodes.TimestampOutOfRange, SingleRejection(message).Code);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1742952903")]
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775807")]
    [InlineData("99999999999999999999999")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void An_integer_ts_outside_the_window_is_out_of_range(string ts) =>
        Rejected($$"""{"id":"a","ts":{{ts}},"good":5}""", RejectionCodes.TimestampOutOfRange, "ts");

    [Theory]
    [InlineData("0001-01-01T00:00:00+23:59")]
    [InlineData("9999-12-31T23:59:59-23:59")]
    [InlineData("1970-01-01T00:00:00Z")]
    public void Rfc3339_times_at_the_edges_of_the_calendar_are_out_of_range(string ts) =>
        Rejected($$"""{"id":"a","ts":"{{ts}}","good":5}""", RejectionCodes.TimestampOutOfRange, "ts");

    // seq

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("88121", 88121L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("7.0", 7L)]
    public void Seq_is_read_as_an_integer(string seq, long expected) =>
        Assert.Equal(expected, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"seq":{{seq}},"good":5}""")).Seq);

    [Theory]
    [InlineData("""{"id":"a","ts":$ts,"good":5}""")]
    [InlineData("""{"id":"a","ts":$ts,"seq":null,"good":5}""")]
    public void Seq_is_optional(string json) => Assert.Null(SingleReading(Parse(OutputTopic, json)).Seq);

    [Theory]
    [InlineData("-1")]
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999999")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void A_negative_or_too_large_seq_is_out_of_range(string seq) =>
        Rejected($$"""{"id":"a","ts":$ts,"seq":{{seq}},"good":5}""", RejectionCodes.ValueOutOfRange, "seq");

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"1\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    [InlineData("{}")]
    [InlineData("1e-400")]
    public void A_seq_that_is_not_an_integer_is_a_schema_violation(string seq) =>
        Assert.Equal("field 'seq' must be an integer >= 0", Rejected($$"""{"id":"a","ts":$ts,"seq":{{seq}},"good":5}""", RejectionCodes.SchemaViolation, "seq").Reason);

    // Precedence and duplicates

    [Fact]
    public void With_several_faults_the_first_field_in_order_id_ts_seq_then_channel_fields_is_reported() =>
        Rejected("""{"good":-1,"seq":-1,"ts":"bad"}""", RejectionCodes.SchemaViolation, "id");

    [Fact]
    public void A_ts_fault_comes_before_a_channel_fault() =>
        Rejected("""{"id":"a","good":-1,"ts":"bad"}""", RejectionCodes.TimestampOutOfRange, "ts");

    [Fact]
    public void With_duplicate_keys_the_last_one_wins() =>
        Assert.Equal(KeyOf("second"), SingleReading(Parse(OutputTopic, """{"id":"first","id":"second","ts":$ts,"good":5}""")).Key);

    [Fact]
    public void A_bad_value_overwritten_by_a_good_one_is_accepted() =>
        Assert.Equal(5, SingleReading(Parse(OutputTopic, """{"id":"a","ts":"bad","ts":$ts,"good":"x","good":5}""")).Good);

    [Fact]
    public void A_good_value_overwritten_by_a_bad_one_is_rejected() =>
        Rejected("""{"id":"a","ts":$ts,"good":5,"good":-1}""", RejectionCodes.ValueOutOfRange, "good");

    [Fact]
    public void A_value_overwritten_by_null_counts_as_absent() =>
        Rejected("""{"id":"a","ts":$ts,"good":5,"good":null}""", RejectionCodes.SchemaViolation, "good");

    [Fact]
    public void Escaped_field_names_are_matched_by_their_value() =>
        Assert.Equal(7, SingleReading(Parse(OutputTopic, """{"\u0069d":"a","t\u0073":$ts,"\u0067ood":7}""")).Good);

    [Fact]
    public void Field_names_are_case_sensitive() =>
        Rejected("""{"id":"a","ts":$ts,"Good":5}""", RejectionCodes.SchemaViolation, "good");

    [Fact]
    public void Unknown_fields_of_any_shape_are_ignored()
    {
        var reading = SingleReading(Parse(OutputTopic, """{"x":{"a":[1,{"b":null}],"c":"d"},"id":"a","y":[],"ts":$ts,"z":"\ud800","good":5,"NaN":1e999}"""));

        Assert.Equal((KeyOf("a"), 5L), (reading.Key, reading.Good));
    }

    [Fact]
    public void A_field_with_a_lone_surrogate_in_its_name_is_ignored_as_unknown() =>
        Assert.Equal(5, SingleReading(Parse(OutputTopic, """{"\ud800":1,"id":"a","ts":$ts,"good":5}""")).Good);

    [Fact]
    public void Fields_of_other_channels_are_ignored() =>
        Assert.Equal(5, SingleReading(Parse(OutputTopic, """{"id":"a","ts":$ts,"good":5,"tons":"x","state":1,"values":[]}""")).Good);
}
