using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OutputMonitor.Lines;
using OutputMonitor.Rollup;
using OutputMonitor.Silo.Storage;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Tests.Persistence;

/// <summary>
/// The product's storage serializer writes Orleans' binary format byte for byte as Orleans' own
/// storage serializer does, so states stored before it (in Redis) read back, and it reads theirs.
/// </summary>
public sealed class PooledGrainStorageSerializerTests
{
    private readonly Serializer _serializer = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(LineGrainState).Assembly).AddAssembly(typeof(BucketSet).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(3000)]
    public void A_line_state_is_written_as_orleans_writes_it_and_each_reads_what_the_other_wrote(int readings)
    {
        var state = LineState(readings);
        var pooled = new PooledGrainStorageSerializer(_serializer);
        var orleans = new OrleansGrainStorageSerializer(_serializer);

        var ours = pooled.Serialize(state).ToArray();
        var theirs = orleans.Serialize(state).ToArray();
        Assert.Equal(theirs, ours);

        // Read across, written again: the same bytes.
        Assert.Equal(theirs, orleans.Serialize(pooled.Deserialize<LineGrainState>(new BinaryData(theirs))).ToArray());
        Assert.Equal(ours, pooled.Serialize(orleans.Deserialize<LineGrainState>(new BinaryData(ours))).ToArray());
        var back = pooled.Deserialize<LineGrainState>(new BinaryData(ours))!;
        Assert.Equal((state.Dedupe.Count, state.SeqGaps, state.Sensors["temp"]), (back.Dedupe.Count, back.SeqGaps, back.Sensors["temp"]));
    }

    [Fact]
    public void Buckets_stored_with_every_field_read_back_and_zero_fields_are_no_longer_written()
    {
        // A bucket set as states stored it before zero fields were left out (2026-11-25): every field written.
        var stored = Convert.FromHexString(
            "2020010561C09BC00120E800150101412100000000000000000000000000000000412100000100000000007D00000000000000E060C19BC00120E80001010141210000010000000000393000000000000041210000020000000000A581010000000000E0E02101030104A17720E800150101412100000100000000003930000000000000412100000200000000008786010000000000E0E02101030114FC0420E800150101412100000100000000003930000000000000412100000200000000008786010000000000E0E0E0");
        var read = _serializer.Deserialize<BucketSet>(stored)!;
        Assert.Equal(new Totals(5, 0, 0m, 12.5m), read.Minutes[BucketSet.MinuteOf(1_764_000_000_000)]);
        Assert.Equal(new Totals(0, 0, 1234.5m, 987.25m), read.Minutes[BucketSet.MinuteOf(1_764_000_060_000)]);
        Assert.Equal(new Totals(5, 0, 1234.5m, 999.75m), read.Days[20_417]);

        var written = _serializer.SerializeToArray(read);
        // Six zero fields left out, one of them a 16-byte decimal: 204 bytes before.
        Assert.Equal(176, written.Length);
        var again = _serializer.Deserialize<BucketSet>(written)!;
        Assert.Equal(read.Minutes, again.Minutes);
        Assert.Equal(read.Days, again.Days);
    }

    private static LineGrainState LineState(int readings)
    {
        var state = new LineGrainState { SeqGaps = 7, LastSeen = 1_764_000_000_000 };
        state.Sensors["temp"] = new SensorSample(71.5, 1_764_000_000_000);
        for (var i = 0; i < readings; i++)
        {
            var ts = 1_764_000_000_000 + (i * 1000L);
            state.Dedupe.TryAdd(Reading.KeyOf(TelemetryChannel.Output, $"id-{i}"), ts);
            state.AddToHistory(ts, 20_400, new Totals(i % 5, i % 2, 0m, (i % 5) * 2.5m));
        }

        return state;
    }
}
