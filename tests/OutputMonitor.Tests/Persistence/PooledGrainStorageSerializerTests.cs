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

    [Fact]
    public void A_dedupe_window_stored_with_its_ids_as_a_byte_array_reads_back_and_is_written_the_same()
    {
        // A window as states stored it before its segments were packed between writes (2026-11-25): two segments, 5 and 3 ids.
        var stored = Convert.FromHexString(
            "20200005210004A177425101010101010101010202020202020202030303030303030304040404040404040505050505050505E0200014A1774231060000000000006007000000000000700800000000000080E0E0010121E00101E0");
        var read = _serializer.Deserialize<DedupeWindow>(stored)!;
        Assert.Equal(
            [0x0101010101010101UL, 0x0202020202020202UL, 0x0303030303030303UL, 0x0404040404040404UL, 0x0505050505050505UL],
            read.Segments[0].Hashes);
        Assert.Equal([0x6000000000000006UL, 0x7000000000000007UL, 0x8000000000000008UL], read.Segments[1].Hashes);
        Assert.Equal(stored, _serializer.SerializeToArray(read));
    }

    [Fact]
    public void A_growing_segment_written_again_and_again_is_written_as_a_fresh_one_would_be()
    {
        var window = new DedupeWindow();
        var now = 3_600_000L * 490_000;
        for (var round = 0; round < 50; round++)
        {
            // 1 to 50 ids a write (1,275 in all: a second segment begins): the packed ids carry over, the new ones are added, the buffer grows.
            for (var i = 0; i <= round; i++)
            {
                window.TryAdd(Reading.KeyOf(TelemetryChannel.Output, $"{round}-{i}"), now);
            }

            var written = _serializer.SerializeToArray(window);
            var fresh = new DedupeWindow();
            foreach (var hash in window.Segments.SelectMany(segment => segment.Hashes))
            {
                fresh.TryAdd(hash, now);
            }

            Assert.Equal(_serializer.SerializeToArray(fresh), written);
            Assert.Equal(window.Segments.SelectMany(segment => segment.Hashes), _serializer.Deserialize<DedupeWindow>(written)!.Segments.SelectMany(segment => segment.Hashes));
        }
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
