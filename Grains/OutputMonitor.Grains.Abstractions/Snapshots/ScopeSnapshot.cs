namespace OutputMonitor.Snapshots;

/// <summary>The snapshot of spec/api.md, as <c>GET /api/snapshot/{scope}</c> and the hub's <c>snapshot</c> send it.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.ScopeSnapshot")]
public sealed record ScopeSnapshot
{
    [Id(0)] public required string Scope { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public string? NameEn { get; init; }
    [Id(3)] public required DateTimeOffset AsOf { get; init; }

    /// <summary>The plant day of <see cref="AsOf"/> in the scope's time zone, <c>yyyy-MM-dd</c>.</summary>
    [Id(4)] public required string Day { get; init; }
    [Id(5)] public required Totals Today { get; init; }
    [Id(6)] public required GoodAndTons Plan { get; init; }
    [Id(7)] public required GoodAndTons RatePerHour { get; init; }
    [Id(8)] public OeeFigures? Oee { get; init; }

    /// <summary>Lines only: <c>running</c>, <c>idle</c>, <c>down</c>, <c>maintenance</c>, or absent until known.</summary>
    [Id(9)] public string? State { get; init; }
    [Id(10)] public DateTimeOffset? LastSeen { get; init; }
    [Id(11)] public int ActiveAlerts { get; init; }
    [Id(12)] public IReadOnlyList<ChildSnapshot> Children { get; init; } = [];

    /// <summary>Lines only: when the current state began.</summary>
    [Id(13)] public DateTimeOffset? StateSince { get; init; }

    /// <summary>Lines only: seconds in each state during the plant day so far.</summary>
    [Id(14)] public IReadOnlyDictionary<string, double>? TimeInState { get; init; }

    /// <summary>Lines only: gaps seen in <c>seq</c> (a data-loss indicator).</summary>
    [Id(15)] public long? SeqGaps { get; init; }

    /// <summary>Lines only: messages ignored as repeats of an id already counted.</summary>
    [Id(16)] public long? Duplicates { get; init; }

    /// <summary>Lines only: the newest value of each sensor.</summary>
    [Id(17)] public IReadOnlyDictionary<string, double>? Sensors { get; init; }

    /// <summary>Lines only: <c>production</c> or <c>shipment</c>.</summary>
    [Id(18)] public string? Kind { get; init; }
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.ChildSnapshot")]
public sealed record ChildSnapshot
{
    [Id(0)] public required string Scope { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public string? NameEn { get; init; }
    [Id(3)] public required Totals Today { get; init; }
    [Id(4)] public required GoodAndTons Plan { get; init; }
    [Id(5)] public string? State { get; init; }
    [Id(6)] public int ActiveAlerts { get; init; }
}

[GenerateSerializer, Immutable, Alias("om.GoodAndTons")]
public readonly record struct GoodAndTons([property: Id(0)] long Good, [property: Id(1)] decimal Tons)
{
    public static GoodAndTons operator +(GoodAndTons a, GoodAndTons b) => new(a.Good + b.Good, a.Tons + b.Tons);

    public static GoodAndTons Add(GoodAndTons a, GoodAndTons b) => a + b;
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.OeeFigures")]
public sealed record OeeFigures(
    [property: Id(0)] double Availability,
    [property: Id(1)] double Performance,
    [property: Id(2)] double Quality,
    [property: Id(3)] double Oee);

public enum HistoryStep
{
    Minute,
    Hour,
    Day,
}

/// <summary>A history series of spec/api.md: <c>{ scope, step, points: [ { t, good, scrap, tons } ] }</c>.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.HistorySeries")]
public sealed record HistorySeries(
    [property: Id(0)] string Scope,
    [property: Id(1)] string Step,
    [property: Id(2)] IReadOnlyList<HistoryPoint> Points);

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.HistoryPoint")]
public sealed record HistoryPoint(
    [property: Id(0)] DateTimeOffset T,
    [property: Id(1)] long Good,
    [property: Id(2)] long Scrap,
    [property: Id(3)] decimal Tons,
    [property: Id(4)] decimal ValueCny);
