using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Lines;

/// <summary>
/// The ids a line has counted, remembered per arrival hour for at least the dedupe window. Ids are
/// kept as 64-bit XxHash3 values of (channel, id): 8 bytes in state, about 24 in memory (the flat
/// index plus the hour's list); a false match needs ~4·10⁹ ids on one line. The count is capped:
/// past the cap, the oldest hour goes early.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.DedupeWindow")]
public sealed class DedupeWindow
{
    /// <summary>Per arrival hour (Unix hour), the hashes first seen in it, oldest first.</summary>
    [Id(0)] public List<DedupeSegment> Segments { get; init; } = [];

    [NonSerialized]
    private HashIdSet? _index;

    public int Count => Index.Count;

    /// <summary>Ids dropped before their window ended because of the cap.</summary>
    [Id(1)] public long EvictedEarly { get; set; }

    private HashIdSet Index => _index ??= BuildIndex();

    public static ulong Hash(TelemetryChannel channel, string id)
    {
        var chars = MemoryMarshal.AsBytes(id.AsSpan());
        return XxHash3.HashToUInt64(chars, (long)channel + 1);
    }

    /// <summary>True when the id is new (and is now remembered); false for a repeat.</summary>
    public bool TryAdd(ulong hash, long nowMilliseconds)
    {
        if (!Index.Add(hash))
        {
            return false;
        }

        var hour = nowMilliseconds / 3_600_000;
        if (Segments.Count == 0 || Segments[^1].Hour < hour)
        {
            // The ended hour takes no more ids: drop the list's spare capacity (up to half of it).
            if (Segments.Count > 0)
            {
                Segments[^1].Hashes.TrimExcess();
            }

            Segments.Add(new DedupeSegment { Hour = hour });
        }

        Segments[^1].Hashes.Add(hash);
        return true;
    }

    /// <summary>Forgets hours older than the window, and the oldest hours while over the cap.</summary>
    public void Expire(long nowMilliseconds, TimeSpan window, int maxIds)
    {
        // An hour is kept until its last id is at least a whole window old.
        var oldestKept = (nowMilliseconds - (long)window.TotalMilliseconds) / 3_600_000;
        while (Segments.Count > 0 && (Segments[0].Hour < oldestKept || (Index.Count > maxIds && Segments.Count > 1)))
        {
            var segment = Segments[0];
            if (segment.Hour >= oldestKept)
            {
                EvictedEarly += segment.Hashes.Count;
            }

            foreach (var hash in segment.Hashes)
            {
                Index.Remove(hash);
            }

            Segments.RemoveAt(0);
        }

        Index.TrimExcess();
    }

    private HashIdSet BuildIndex()
    {
        var index = new HashIdSet(Segments.Sum(s => s.Hashes.Count));
        foreach (var segment in Segments)
        {
            foreach (var hash in segment.Hashes)
            {
                index.Add(hash);
            }
        }

        return index;
    }
}

[GenerateSerializer, SuppressReferenceTracking, Alias("om.DedupeSegment")]
public sealed class DedupeSegment
{
    [Id(0)] public long Hour { get; init; }

    [NonSerialized]
    private List<ulong> _hashes = [];

    public List<ulong> Hashes => _hashes;

    /// <summary>
    /// The hashes as stored: one block of 8-byte little-endian values, copied at once. Encoded one
    /// by one (as a list) they cost about ten times more on every write of a busy line's state.
    /// </summary>
    [Id(2)]
    public byte[] Packed
    {
        get
        {
            var bytes = new byte[Hashes.Count * sizeof(ulong)];
            for (var i = 0; i < Hashes.Count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), Hashes[i]);
            }

            return bytes;
        }

        set
        {
            var hashes = new List<ulong>(value.Length / sizeof(ulong));
            for (var offset = 0; offset + sizeof(ulong) <= value.Length; offset += sizeof(ulong))
            {
                hashes.Add(BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(offset)));
            }

            _hashes = hashes;
        }
    }
}
