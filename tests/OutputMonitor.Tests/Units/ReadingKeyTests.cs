using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Tests.Units;

/// <summary>A reading's dedupe key: its value, what crosses the wire, and readings of older gateways that send the id instead.</summary>
public sealed class ReadingKeyTests
{
    // 2026-03-10T04:00:00Z.
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1773115200000);

    // Reading.Output("m-1", At, good: 5, scrap: 1, seq: 7) as the Reading codec before the key wrote it (id, every field).
    private const string OlderGatewayReading = "20E840076D2D3101200069F36ACE091501011D01150105412100000000000000000000000000000000091501C101C101E0";

    private readonly Serializer _serializer = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(Reading).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Theory]
    [InlineData(TelemetryChannel.Output, "j2-88121", 7065709171562374927UL)]
    [InlineData(TelemetryChannel.State, "j2-88121", 8383914717521209859UL)]
    [InlineData(TelemetryChannel.Output, "批次-7", 2830655612172311026UL)]
    public void The_key_of_an_id_is_the_one_stored_dedupe_windows_hold(TelemetryChannel channel, string id, ulong key) =>
        Assert.Equal(key, Reading.KeyOf(channel, id));

    [Fact]
    public void A_reading_made_from_an_id_carries_the_key_and_not_the_id()
    {
        var reading = Reading.Output("m-1", At, good: 5);

        Assert.Null(reading.Id);
        Assert.Equal(Reading.KeyOf(TelemetryChannel.Output, "m-1"), reading.Key);
    }

    [Fact]
    public void A_reading_crosses_the_wire_as_its_key_without_the_id()
    {
        var reading = Reading.Output("an-id-to-look-for", At, good: 5, seq: 7);

        var bytes = _serializer.SerializeToArray(reading);

        Assert.Equal(-1, bytes.AsSpan().IndexOf("an-id-to-look-for"u8));
        Assert.Equal(reading, _serializer.Deserialize<Reading>(bytes));
    }

    [Fact]
    public void A_reading_of_an_older_gateway_is_keyed_by_its_id()
    {
        var reading = Assert.IsType<Reading>(_serializer.Deserialize<Reading>(Convert.FromHexString(OlderGatewayReading)));

        Assert.Equal("m-1", reading.Id);
        Assert.Equal(Reading.KeyOf(TelemetryChannel.Output, "m-1"), reading.Key);
        Assert.Equal((At.ToUnixTimeMilliseconds(), TelemetryChannel.Output, 5L, 1L, 7L), (reading.Timestamp, reading.Channel, reading.Good, reading.Scrap, reading.Seq));
    }

    [Fact]
    public void An_id_set_in_code_gives_the_key_whatever_order_the_fields_are_set_in()
    {
        var reading = new Reading { Id = "m-1", Timestamp = At.ToUnixTimeMilliseconds(), Channel = TelemetryChannel.State, State = LineState.Down };

        Assert.Equal(Reading.KeyOf(TelemetryChannel.State, "m-1"), reading.Key);
    }

    [Fact]
    public void A_key_only_reading_is_smaller_on_the_wire_than_the_older_form()
    {
        var bytes = _serializer.SerializeToArray(Reading.Output("m-1", At, good: 5, scrap: 1, seq: 7));

        Assert.True(bytes.Length < Convert.FromHexString(OlderGatewayReading).Length, $"{bytes.Length} bytes: {Convert.ToHexString(bytes)}");
    }
}
