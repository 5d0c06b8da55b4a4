using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Gateway;

/// <summary>The fields of each channel: output, shipment, state, sensor.</summary>
public class ChannelFieldTests
{
    private static Rejection Rejected(string channel, string json, string code, string field)
    {
        var rejection = SingleRejection(Parse(TopicOf(channel), json));
        Assert.Equal(code, rejection.Code);
        Assert.Contains($"'{field}", rejection.Reason, StringComparison.Ordinal);
        return rejection;
    }

    // output

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("120", 120L)]
    [InlineData("1000000", 1_000_000L)]
    [InlineData("5.0", 5L)]
    [InlineData("1e3", 1000L)]
    [InlineData("-0", 0L)]
    public void Good_is_an_integer_from_0_to_a_million(string good, long expected) =>
        Assert.Equal(expected, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":{{good}}}""")).Good);

    [Theory]
    [InlineData("""{"id":"a","ts":$ts}""")]
    [InlineData("""{"id":"a","ts":$ts,"good":null}""")]
    [InlineData("""{"id":"a","ts":$ts,"scrap":1}""")]
    public void A_missing_good_is_a_schema_violation(string json) =>
        Assert.Equal("field 'good' is required", Rejected("output", json, RejectionCodes.SchemaViolation, "good").Reason);

    [Theory]
    [InlineData("\"5\"")]
    [InlineData("1.5")]
    [InlineData("-1.5")]
    [InlineData("true")]
    [InlineData("[5]")]
    [InlineData("{\"n\":5}")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("1e-400")]
    public void A_good_of_the_wrong_type_is_a_schema_violation(string good) =>
        Assert.Equal("field 'good' must be an integer >= 0", Rejected("output", $$"""{"id":"a","ts":$ts,"good":{{good}}}""", RejectionCodes.SchemaViolation, "good").Reason);

    [Theory]
    [InlineData("-1")]
    [InlineData("1000001")]
    [InlineData("9223372036854775807")]
    [InlineData("99999999999999999999999")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1.5e400")]
    public void A_good_outside_0_to_a_million_is_out_of_range(string good) =>
        Assert.Equal("field 'good' must be between 0 and 1000000", Rejected("output", $$"""{"id":"a","ts":$ts,"good":{{good}}}""", RejectionCodes.ValueOutOfRange, "good").Reason);

    [Fact]
    public void Scrap_defaults_to_zero() =>
        Assert.Equal(0, SingleReading(Parse(OutputTopic, """{"id":"a","ts":$ts,"good":5}""")).Scrap);

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("2", 2L)]
    [InlineData("1000000", 1_000_000L)]
    [InlineData("null", 0L)]
    public void Scrap_is_an_integer_from_0_to_a_million(string scrap, long expected) =>
        Assert.Equal(expected, SingleReading(Parse(OutputTopic, $$"""{"id":"a","ts":$ts,"good":5,"scrap":{{scrap}}}""")).Scrap);

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("2.5")]
    [InlineData("false")]
    public void A_scrap_of_the_wrong_type_is_a_schema_violation(string scrap) =>
        Rejected("output", $$"""{"id":"a","ts":$ts,"good":5,"scrap":{{scrap}}}""", RejectionCodes.SchemaViolation, "scrap");

    [Theory]
    [InlineData("-1")]
    [InlineData("1000001")]
    [InlineData("1e400")]
    public void A_scrap_outside_0_to_a_million_is_out_of_range(string scrap) =>
        Rejected("output", $$"""{"id":"a","ts":$ts,"good":5,"scrap":{{scrap}}}""", RejectionCodes.ValueOutOfRange, "scrap");

    // shipment

    [Theory]
    [InlineData("52000", "52000")]
    [InlineData("0.001", "0.001")]
    [InlineData("1000000", "1000000")]
    [InlineData("0.1", "0.1")]
    [InlineData("12.345678901234567890123", "12.345678901234567890123")]
    [InlineData("5.2e4", "52000")]
    public void Tons_are_read_exactly_as_decimal(string tons, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), SingleReading(Parse(ShipmentTopic, $$"""{"id":"a","ts":$ts,"tons":{{tons}}}""")).Tons);

    [Theory]
    [InlineData("""{"id":"a","ts":$ts}""")]
    [InlineData("""{"id":"a","ts":$ts,"tons":null}""")]
    public void Missing_tons_are_a_schema_violation(string json) =>
        Assert.Equal("field 'tons' is required", Rejected("shipment", json, RejectionCodes.SchemaViolation, "tons").Reason);

    [Theory]
    [InlineData("\"52000\"")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    [InlineData("{}")]
    public void Tons_of_the_wrong_type_are_a_schema_violation(string tons) =>
        Assert.Equal("field 'tons' must be a number", Rejected("shipment", $$"""{"id":"a","ts":$ts,"tons":{{tons}}}""", RejectionCodes.SchemaViolation, "tons").Reason);

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.0")]
    [InlineData("-1")]
    [InlineData("1000000.0001")]
    [InlineData("99999999999999999999999")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e-400")]
    public void Tons_outside_0_to_a_million_are_out_of_range(string tons) =>
        Assert.Equal("field 'tons' must be > 0 and <= 1000000", Rejected("shipment", $$"""{"id":"a","ts":$ts,"tons":{{tons}}}""", RejectionCodes.ValueOutOfRange, "tons").Reason);

    [Theory]
    [InlineData("truck")]
    [InlineData("rail")]
    [InlineData("barge")]
    [InlineData("vessel")]
    [InlineData("conveyor")]
    public void Each_shipment_mode_is_accepted(string mode) =>
        SingleReading(Parse(ShipmentTopic, $$"""{"id":"a","ts":$ts,"tons":1,"mode":"{{mode}}"}"""));

    [Theory]
    [InlineData("\"ship\"")]
    [InlineData("\"Vessel\"")]
    [InlineData("\"\"")]
    [InlineData("\"vessel \"")]
    [InlineData("1")]
    [InlineData("[\"vessel\"]")]
    [InlineData("\"\\ud800\"")]
    public void Any_other_mode_is_a_schema_violation(string mode) =>
        Rejected("shipment", $$"""{"id":"a","ts":$ts,"tons":1,"mode":{{mode}}}""", RejectionCodes.SchemaViolation, "mode");

    [Fact]
    public void Mode_from_and_to_are_optional() =>
        Assert.Equal(7m, SingleReading(Parse(ShipmentTopic, """{"id":"a","ts":$ts,"tons":7,"mode":null,"from":null,"to":null}""")).Tons);

    [Theory]
    [InlineData("from")]
    [InlineData("to")]
    public void From_and_to_of_200_chars_are_accepted(string field) =>
        SingleReading(Parse(ShipmentTopic, $$"""{"id":"a","ts":$ts,"tons":1,"{{field}}":"{{new string('港', 200)}}"}"""));

    [Theory]
    [InlineData("from")]
    [InlineData("to")]
    public void From_and_to_longer_than_200_chars_are_a_schema_violation(string field) =>
        Rejected("shipment", $$"""{"id":"a","ts":$ts,"tons":1,"{{field}}":"{{new string('x', 201)}}"}""", RejectionCodes.SchemaViolation, field);

    [Theory]
    [InlineData("from")]
    [InlineData("to")]
    public void From_and_to_that_are_not_strings_are_a_schema_violation(string field) =>
        Rejected("shipment", $$"""{"id":"a","ts":$ts,"tons":1,"{{field}}":42}""", RejectionCodes.SchemaViolation, field);

    // state

    [Theory]
    [InlineData("running", LineState.Running)]
    [InlineData("idle", LineState.Idle)]
    [InlineData("down", LineState.Down)]
    [InlineData("maintenance", LineState.Maintenance)]
    public void Each_state_is_read(string state, LineState expected) =>
        Assert.Equal(expected, SingleReading(Parse(StateTopic, $$"""{"id":"a","ts":$ts,"state":"{{state}}"}""")).State);

    [Theory]
    [InlineData("""{"id":"a","ts":$ts}""")]
    [InlineData("""{"id":"a","ts":$ts,"state":null}""")]
    public void A_missing_state_is_a_schema_violation(string json) =>
        Assert.Equal("field 'state' is required", Rejected("state", json, RejectionCodes.SchemaViolation, "state").Reason);

    [Theory]
    [InlineData("\"broken\"")]
    [InlineData("\"Running\"")]
    [InlineData("\"unknown\"")]
    [InlineData("\"\"")]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("{\"state\":\"down\"}")]
    public void Any_other_state_is_a_schema_violation(string state) =>
        Assert.Equal(
            "field 'state' must be one of running, idle, down, maintenance",
            Rejected("state", $$"""{"id":"a","ts":$ts,"state":{{state}}}""", RejectionCodes.SchemaViolation, "state").Reason);

    [Fact]
    public void A_state_reason_is_optional() =>
        Assert.Null(SingleReading(Parse(StateTopic, """{"id":"a","ts":$ts,"state":"idle"}""")).Reason);

    [Fact]
    public void A_state_reason_of_200_chars_is_kept()
    {
        var reason = new string('r', 200);
        Assert.Equal(reason, SingleReading(Parse(StateTopic, $$"""{"id":"a","ts":$ts,"state":"down","reason":"{{reason}}"}""")).Reason);
    }

    [Fact]
    public void A_state_reason_longer_than_200_chars_is_a_schema_violation() =>
        Rejected("state", $$"""{"id":"a","ts":$ts,"state":"down","reason":"{{new string('r', 201)}}"}""", RejectionCodes.SchemaViolation, "reason");

    [Fact]
    public void A_state_reason_that_is_not_a_string_is_a_schema_violation() =>
        Rejected("state", """{"id":"a","ts":$ts,"state":"down","reason":["CIP"]}""", RejectionCodes.SchemaViolation, "reason");

    // sensor

    [Fact]
    public void Sensor_values_keep_names_and_numbers()
    {
        var values = SingleReading(Parse(SensorTopic, """{"id":"a","ts":$ts,"values":{"A_z.0-9":1.25,"t":-3e2,"big":1.7976931348623157e308}}""")).Values;

        Assert.Equal([new SensorValue("A_z.0-9", 1.25), new SensorValue("t", -300), new SensorValue("big", double.MaxValue)], values);
    }

    [Theory]
    [InlineData("""{"id":"a","ts":$ts}""")]
    [InlineData("""{"id":"a","ts":$ts,"values":null}""")]
    public void Missing_values_are_a_schema_violation(string json) =>
        Assert.Equal("field 'values' is required", Rejected("sensor", json, RejectionCodes.SchemaViolation, "values").Reason);

    [Theory]
    [InlineData("[]")]
    [InlineData("[1,2]")]
    [InlineData("5")]
    [InlineData("\"t=5\"")]
    public void Values_that_are_not_an_object_are_a_schema_violation(string values) =>
        Rejected("sensor", $$"""{"id":"a","ts":$ts,"values":{{values}}}""", RejectionCodes.SchemaViolation, "values");

    [Fact]
    public void Empty_values_are_a_schema_violation() =>
        Rejected("sensor", """{"id":"a","ts":$ts,"values":{}}""", RejectionCodes.SchemaViolation, "values");

    [Fact]
    public void Sixty_four_values_are_accepted() =>
        Assert.Equal(64, SingleReading(Parse(SensorTopic, SensorPayload(64))).Values!.Count);

    [Fact]
    public void Sixty_five_values_are_a_schema_violation() =>
        Rejected("sensor", SensorPayload(65), RejectionCodes.SchemaViolation, "values");

    [Fact]
    public void Repeated_value_names_count_once_and_the_last_one_wins()
    {
        var values = SingleReading(Parse(SensorTopic, """{"id":"a","ts":$ts,"values":{"t":"bad","p":2,"t":1,"t":3}}""")).Values;

        Assert.Equal([new SensorValue("t", 3), new SensorValue("p", 2)], values);
    }

    [Fact]
    public void Entries_are_counted_as_sent_so_65_are_too_many_even_when_a_name_repeats() =>
        Rejected("sensor", SensorPayload(64).Replace("\"v0\":0", "\"v0\":0,\"v1\":1", StringComparison.Ordinal), RejectionCodes.SchemaViolation, "values");

    [Fact]
    public void Sixty_four_entries_with_repeated_names_give_the_distinct_names() =>
        Assert.Equal(63, SingleReading(Parse(SensorTopic, SensorPayload(63).Replace("\"v0\":0", "\"v0\":0,\"v1\":-1", StringComparison.Ordinal))).Values!.Count);

    [Theory]
    [InlineData("bad name")]
    [InlineData("")]
    [InlineData("temp/1")]
    [InlineData("température")]
    [InlineData("a+b")]
    [InlineData("\\ud800")]
    [InlineData("t\\u0000")]
    public void A_value_name_outside_the_pattern_is_a_schema_violation(string name) =>
        Rejected("sensor", $$$"""{"id":"a","ts":$ts,"values":{"ok":1,"{{{name}}}":2}}""", RejectionCodes.SchemaViolation, "values");

    [Fact]
    public void A_value_name_of_64_chars_is_accepted() =>
        Assert.Equal(new string('n', 64), SingleReading(Parse(SensorTopic, $$$"""{"id":"a","ts":$ts,"values":{"{{{new string('n', 64)}}}":1}}""")).Values![0].Name);

    [Fact]
    public void A_value_name_of_65_chars_is_a_schema_violation() =>
        Rejected("sensor", $$$"""{"id":"a","ts":$ts,"values":{"{{{new string('n', 65)}}}":1}}""", RejectionCodes.SchemaViolation, "values");

    [Fact]
    public void An_escaped_value_name_is_decoded_before_the_pattern() =>
        Assert.Equal("temp", SingleReading(Parse(SensorTopic, """{"id":"a","ts":$ts,"values":{"\u0074emp":1}}""")).Values![0].Name);

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("\"NaN\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[1]")]
    [InlineData("{\"v\":1}")]
    public void A_value_that_is_not_a_number_is_a_schema_violation_naming_the_entry(string value) =>
        Assert.Equal(
            "field 'values.temp' must be a number",
            Rejected("sensor", $$$"""{"id":"a","ts":$ts,"values":{"ok":1,"temp":{{{value}}}}}""", RejectionCodes.SchemaViolation, "values.temp").Reason);

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1.8e308")]
    public void A_value_beyond_double_is_out_of_range_naming_the_entry(string value) =>
        Assert.Equal(
            "field 'values.temp' must be finite",
            Rejected("sensor", $$$"""{"id":"a","ts":$ts,"values":{"temp":{{{value}}}}}""", RejectionCodes.ValueOutOfRange, "values.temp").Reason);

    [Fact]
    public void A_tiny_value_underflows_to_zero() =>
        Assert.Equal(0, SingleReading(Parse(SensorTopic, """{"id":"a","ts":$ts,"values":{"t":1e-400}}""")).Values![0].Value);

    private static string SensorPayload(int count) =>
        "{\"id\":\"a\",\"ts\":$ts,\"values\":{" + string.Join(',', Enumerable.Range(0, count).Select(i => $"\"v{i}\":{i}")) + "}}";
}
