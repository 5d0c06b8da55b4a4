using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Rollup;

/// <summary>What every scope grain persists: its buckets and one outbox per parent (and holds its registry config).</summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.RollupState")]
public class RollupState
{
    /// <summary>
    /// The registry's config, read again at every activation and not stored: it is the largest part
    /// of a scope's state (names, children) and never changes between writes. What the parents have
    /// had is in the outboxes, which are stored.
    /// </summary>
    public ScopeConfig? Config
    {
        get => _config;
        set => _config = value;
    }

    [NonSerialized]
    private ScopeConfig? _config;

    /// <summary>
    /// Every bucket of the scope's history: <see cref="Recent"/> plus the archived chunks, which an
    /// activation reads back (<see cref="HistoryArchive"/>). Not stored as a whole: a scope with
    /// weeks of history would rewrite thousands of closed buckets with every write.
    /// </summary>
    public BucketSet Buckets => _buckets ??= Recent.Clone();

    [NonSerialized]
    private BucketSet? _buckets;

    /// <summary>
    /// The buckets not yet in an archived chunk: the open ranges, and late figures for a chunk
    /// until its next fold. Stored with every write. (Before chunking, this field held the whole history.)
    /// </summary>
    [Id(1)] public BucketSet Recent { get; set; } = new();
    [Id(2)] public List<Outbox> Outboxes { get; set; } = [];

    /// <summary>Lines and enterprises: their open alerts (other scopes have no rules).</summary>
    [Id(3)] public Alerts.AlertTracker Alerts { get; set; } = new();

    /// <summary>The archived history chunks and the generation of each that this state matches.</summary>
    [Id(4)] public Dictionary<HistoryChunkKey, long> HistoryChunks { get; set; } = [];

    /// <summary>
    /// Chunks being archived: the content each stored chunk is to have. Made durable with the state
    /// (in the same write that takes the buckets out of <see cref="Recent"/>) before the chunk is
    /// written, so a crash in between loses nothing and counts nothing twice: the fold is redone.
    /// </summary>
    [Id(5)] public Dictionary<HistoryChunkKey, HistoryChunk> Folding { get; set; } = [];

    /// <summary>Adds figures at an event time to the history.</summary>
    public void AddToHistory(long timestamp, int dayNumber, Totals totals)
    {
        Buckets.Add(timestamp, dayNumber, totals);
        Recent.Add(timestamp, dayNumber, totals);
    }

    /// <summary>Adds a bucket set (negated when <paramref name="negate"/>) to the history.</summary>
    public void AddToHistory(BucketSet delta, bool negate)
    {
        Buckets.AddAll(delta, negate);
        Recent.AddAll(delta, negate);
    }
}

/// <summary>
/// The changes on their way to one parent. <see cref="Pending"/> collects; a push seals it into
/// <see cref="InFlight"/>, which is made durable before it is sent and resent until the parent
/// answers; the parent ignores a seq it has applied. A retired outbox is kept for its numbering.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.Outbox")]
public sealed class Outbox
{
    [Id(0)] public required ScopeId Parent { get; init; }
    [Id(1)] public long NextSeq { get; set; } = 1;
    [Id(2)] public BucketSet Pending { get; set; } = new();
    [Id(3)] public RollupPush? InFlight { get; set; }

    /// <summary>The parent is no longer ours: the next push takes back everything and says so.</summary>
    [Id(4)] public bool Retiring { get; set; }

    /// <summary>The retirement reached the parent; nothing more goes there.</summary>
    [Id(5)] public bool Retired { get; set; }

    /// <summary>The status changed since the last push: push even without figures.</summary>
    [Id(6)] public bool StatusChanged { get; set; } = true;

    public bool Active => !Retiring && !Retired;

    public bool HasWork => InFlight is not null || Retiring || (!Retired && (StatusChanged || !Pending.IsEmpty));
}
