using System.Buffers.Binary;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Lines;

/// <summary>
/// The ids a line has counted, remembered by arrival time for at least the dedupe window. Ids are
/// kept as their 64-bit keys (<see cref="Reading.KeyOf"/>, XxHash3 of channel and id): 8 bytes stored, about 24 in memory (the flat
/// index plus the segment's list); a false match needs ~4·10⁹ ids on one line.
/// <para>
/// Ids go into segments of one arrival hour and at most <see cref="SegmentCapacity"/> ids. Only the
/// open segments are part of the line's state, written with every batch; a segment that takes no
/// more ids is archived by the grain into a chunk stored on its own (see <see cref="ArchivedChunk"/>),
/// written once, so a batch's write costs the same after a day of ids as after a minute. The
/// count is capped: past the cap, the oldest ids go early.
/// </para>
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.DedupeWindow")]
public sealed class DedupeWindow
{
    /// <summary>Ids an open segment takes before it is sealed for archiving (8 KB of the line's state).</summary>
    public const int SegmentCapacity = 1024;

    /// <summary>Ids a chunk grows to by taking in later segments of its hour, before a new chunk begins.</summary>
    public const int ChunkCapacity = 16 * 1024;

    /// <summary>The open segments (and sealed ones not archived yet), oldest first: stored with the line's state.</summary>
    [Id(0)] public List<DedupeSegment> Segments { get; init; } = [];

    /// <summary>Ids dropped before their window ended because of the cap.</summary>
    [Id(1)] public long EvictedEarly { get; set; }

    /// <summary>The archived chunks, oldest first: each stored apart, under its key.</summary>
    [Id(2)] public List<ArchivedChunk> Archived { get; init; } = [];

    /// <summary>The key the next new chunk gets.</summary>
    [Id(3)] public long NextChunk { get; set; }

    [NonSerialized]
    private HashIdSet? _index;

    // The ids of each archived chunk, by key: loaded at activation, kept to forget them on expiry.
    [NonSerialized]
    private Dictionary<long, List<ulong>>? _chunkIds;

    public int Count => Index.Count;

    private HashIdSet Index => _index ??= BuildIndex();

    private Dictionary<long, List<ulong>> ChunkIds => _chunkIds ??= [];

    /// <summary>True when the id is new (and is now remembered); false for a repeat.</summary>
    public bool TryAdd(ulong hash, long nowMilliseconds)
    {
        if (!Index.Add(hash))
        {
            return false;
        }

        var hour = nowMilliseconds / 3_600_000;
        if (Segments.Count == 0 || Segments[^1].Hour < hour || Segments[^1].Hashes.Count >= SegmentCapacity)
        {
            // The segment before takes no more ids: drop the list's spare capacity (up to half of it).
            if (Segments.Count > 0)
            {
                Segments[^1].Hashes.TrimExcess();
            }

            Segments.Add(new DedupeSegment { Hour = hour });
        }

        Segments[^1].Hashes.Add(hash);
        return true;
    }

    /// <summary>The segments that take no more ids (every one but the newest, and the newest once its hour ended or it is full), oldest first.</summary>
    public IReadOnlyList<DedupeSegment> Sealed(long nowMilliseconds) => Segments.GetRange(0, SealedCount(nowMilliseconds));

    /// <summary>Whether a segment waits to be archived; asked with every batch, so it allocates nothing.</summary>
    public bool HasSealed(long nowMilliseconds) => SealedCount(nowMilliseconds) > 0;

    private int SealedCount(long nowMilliseconds)
    {
        if (Segments.Count == 0)
        {
            return 0;
        }

        var open = Segments[^1];
        var newestSealed = open.Hour < nowMilliseconds / 3_600_000 || open.Hashes.Count >= SegmentCapacity;
        return newestSealed ? Segments.Count : Segments.Count - 1;
    }

    /// <summary>
    /// Where a sealed segment goes: into the newest chunk when that is of the same hour and has room,
    /// else into a new chunk. The chunk's content is returned to be stored under its key; once it is,
    /// <see cref="CompleteArchive"/> takes the segment out of the state.
    /// </summary>
    public (long Key, DedupeSegment Content) PlanArchive(DedupeSegment segment)
    {
        if (Archived.Count > 0 && Archived[^1] is { } last && last.Hour == segment.Hour
            && last.Count + segment.Hashes.Count <= ChunkCapacity && ChunkIds.TryGetValue(last.Key, out var ids))
        {
            return (last.Key, DedupeSegment.Of(segment.Hour, [.. ids, .. segment.Hashes]));
        }

        return (NextChunk, DedupeSegment.Of(segment.Hour, [.. segment.Hashes]));
    }

    /// <summary>Takes a segment out of the state now that its ids are stored in chunk <paramref name="key"/>; false when expiry dropped it meanwhile.</summary>
    public bool CompleteArchive(DedupeSegment segment, long key)
    {
        if (!Segments.Remove(segment))
        {
            return false;
        }

        if (ChunkIds.TryGetValue(key, out var ids))
        {
            ids.AddRange(segment.Hashes);
            var last = Archived[^1];
            Archived[^1] = last with { Count = ids.Count };
        }
        else
        {
            ChunkIds[key] = [.. segment.Hashes];
            Archived.Add(new ArchivedChunk(key, segment.Hour, segment.Hashes.Count));
            NextChunk = Math.Max(NextChunk, key + 1);
        }

        return true;
    }

    /// <summary>At activation: the stored ids of an archived chunk (before any id is looked up).</summary>
    public void LoadChunk(long key, IReadOnlyList<ulong> ids)
    {
        ChunkIds[key] = [.. ids];
        _index = null;
    }

    /// <summary>
    /// Forgets what is older than the window, and the oldest ids while over the cap; returns the keys
    /// of the chunks that went, to be removed from storage.
    /// </summary>
    public IReadOnlyList<long> Expire(long nowMilliseconds, TimeSpan window, int maxIds)
    {
        // An hour is kept until its last id is at least a whole window old.
        var oldestKept = (nowMilliseconds - (long)window.TotalMilliseconds) / 3_600_000;
        var dropped = new List<long>();
        while (Archived.Count > 0 && (Archived[0].Hour < oldestKept || (Index.Count > maxIds && Archived.Count + Segments.Count > 1)))
        {
            var chunk = Archived[0];
            var ids = ChunkIds.GetValueOrDefault(chunk.Key) ?? [];
            Forget(ids, chunk.Hour >= oldestKept);
            ChunkIds.Remove(chunk.Key);
            Archived.RemoveAt(0);
            dropped.Add(chunk.Key);
        }

        while (Segments.Count > 0 && (Segments[0].Hour < oldestKept || (Index.Count > maxIds && Segments.Count > 1)))
        {
            Forget(Segments[0].Hashes, Segments[0].Hour >= oldestKept);
            Segments.RemoveAt(0);
        }

        Index.TrimExcess();
        return dropped;
    }

    private void Forget(List<ulong> ids, bool early)
    {
        if (early)
        {
            EvictedEarly += ids.Count;
        }

        foreach (var hash in ids)
        {
            Index.Remove(hash);
        }
    }

    private HashIdSet BuildIndex()
    {
        var index = new HashIdSet(Segments.Sum(s => s.Hashes.Count) + ChunkIds.Values.Sum(c => c.Count));
        foreach (var ids in ChunkIds.Values.Concat(Segments.Select(s => s.Hashes)))
        {
            foreach (var hash in ids)
            {
                index.Add(hash);
            }
        }

        return index;
    }
}

/// <summary>An archived chunk of a line's dedupe window: its storage key, its arrival hour and how many ids it holds.</summary>
[GenerateSerializer, Immutable, Alias("om.ArchivedChunk")]
public sealed record ArchivedChunk([property: Id(0)] long Key, [property: Id(1)] long Hour, [property: Id(2)] int Count);

/// <summary>Ids of one arrival hour: an open segment in the line's state, or an archived chunk stored on its own.</summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.DedupeSegment")]
public sealed class DedupeSegment
{
    [Id(0)] public long Hour { get; init; }

    public static DedupeSegment Of(long hour, List<ulong> hashes)
    {
        var segment = new DedupeSegment { Hour = hour };
        segment._hashes = hashes;
        return segment;
    }

    [NonSerialized]
    private List<ulong> _hashes = [];

    public List<ulong> Hashes => _hashes;

    // Hashes[0.._packedCount) in their stored form, kept between writes: the open segment of a busy
    // line is written with every batch, and only the ids added since the last write are packed.
    // Hashes only grows (ids are added at its end; a segment leaves whole).
    [NonSerialized]
    private byte[]? _packed;

    [NonSerialized]
    private int _packedCount;

    /// <summary>
    /// The hashes as stored: one block of 8-byte little-endian values, copied at once. Encoded one
    /// by one (as a list) they cost about ten times more on every write of a busy line's state.
    /// (A byte array before 2026-11-25: the same bytes on the wire.)
    /// </summary>
    [Id(2)]
    public ReadOnlyMemory<byte> Packed
    {
        get
        {
            var count = Hashes.Count;
            if (_packed is null || _packed.Length < count * sizeof(ulong))
            {
                // Doubling, so that packing a growing segment costs each id once.
                var grown = new byte[Math.Max(count, 2 * ((_packed?.Length ?? 0) / sizeof(ulong))) * sizeof(ulong)];
                _packed?.AsSpan(0, _packedCount * sizeof(ulong)).CopyTo(grown);
                _packed = grown;
            }

            for (var i = _packedCount; i < count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(_packed.AsSpan(i * sizeof(ulong)), Hashes[i]);
            }

            _packedCount = count;
            return _packed.AsMemory(0, count * sizeof(ulong));
        }

        set
        {
            var bytes = value.Span;
            var hashes = new List<ulong>(bytes.Length / sizeof(ulong));
            for (var offset = 0; offset + sizeof(ulong) <= bytes.Length; offset += sizeof(ulong))
            {
                hashes.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]));
            }

            _hashes = hashes;
            _packed = null;
            _packedCount = 0;
        }
    }
}
