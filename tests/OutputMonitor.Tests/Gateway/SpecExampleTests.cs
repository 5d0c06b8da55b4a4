using System.Buffers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Gateway;

/// <summary>The three mosquitto_pub examples at the end of spec/telemetry.md.</summary>
public class SpecExampleTests
{
    [Fact]
    public void The_vessel_shipment_example_gives_52000_tons()
    {
        var ts = DateTimeOffset.Parse("2025-03-17T09:30:00+08:00", System.Globalization.CultureInfo.InvariantCulture);
        var parser = new TelemetryParser(new FakeTimeProvider(ts.AddMinutes(1)));
        var payload = """{"id":"voy-2025-0317-04","ts":"2025-03-17T09:30:00+08:00","tons":52000,"mode":"vessel","to":"Rizhao"}""";

        var message = parser.Parse("om/v1/hnic/boke-vessel/shipment", new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(new TopicAddress("hnic", "boke-vessel", TelemetryChannel.Shipment), message.Address);
        AssertSameReadings([Reading.Shipment("voy-2025-0317-04", ts, 52000m)], message.Readings);
        Assert.Equal(1742175000000, message.Readings[0].Timestamp);
        Assert.Empty(message.Rejections);
    }

    [Fact]
    public void The_output_example_gives_120_good_and_2_scrap_with_its_sequence_number()
    {
        var message = Parse("om/v1/joincare/api-line-2/output", """{"id":"j2-88121","seq":88121,"ts":1742952903120,"good":120,"scrap":2}""");

        Assert.Equal(new TopicAddress("joincare", "api-line-2", TelemetryChannel.Output), message.Address);
        AssertSameReadings([Reading.Output("j2-88121", DateTimeOffset.FromUnixTimeMilliseconds(1742952903120), 120, 2, seq: 88121)], message.Readings);
        Assert.Empty(message.Rejections);
    }

    [Fact]
    public void The_state_example_gives_down_with_its_reason()
    {
        var message = Parse("om/v1/joincare/api-line-2/state", """{"id":"j2-s-9","ts":1742952903120,"state":"down","reason":"CIP cleaning"}""");

        Assert.Equal(new TopicAddress("joincare", "api-line-2", TelemetryChannel.State), message.Address);
        AssertSameReadings([Reading.StateChange("j2-s-9", DateTimeOffset.FromUnixTimeMilliseconds(1742952903120), LineState.Down, "CIP cleaning")], message.Readings);
        Assert.Empty(message.Rejections);
    }

    [Fact]
    public void A_sensor_message_gives_its_values_in_order()
    {
        var message = Parse(SensorTopic, """{"id":"s-1","ts":$ts,"values":{"temp.c":81.5,"pressure_bar":-2,"rpm":1500}}""");

        AssertSameReadings(
            [Reading.Sensor("s-1", DateTimeOffset.FromUnixTimeMilliseconds(Ts), [new("temp.c", 81.5), new("pressure_bar", -2), new("rpm", 1500)])],
            message.Readings);
    }

    [Fact]
    public void The_spec_example_of_a_time_with_offset_is_read_to_the_millisecond()
    {
        var parser = Parser(DateTimeOffset.Parse("2025-03-26T00:16:00Z", System.Globalization.CultureInfo.InvariantCulture));

        var message = parser.Parse(OutputTopic, new ReadOnlySequence<byte>("""{"id":"a","ts":"2025-03-26T08:15:03.120+08:00","good":1}"""u8.ToArray()));

        Assert.Equal(
            DateTimeOffset.Parse("2025-03-26T00:15:03.120Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            SingleReading(message).Timestamp);
    }
}
