using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Rollup;

/// <summary>
/// A child's push to one parent. <see cref="Seq"/> rises by one per push and outbox, so that a push
/// the parent already applied (a retry after a lost answer) is recognised and not counted again.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.RollupPush")]
public sealed record RollupPush
{
    [Id(0)] public required ScopeId Child { get; init; }
    [Id(1)] public required long Seq { get; init; }
    [Id(2)] public required BucketSet Delta { get; init; }
    [Id(3)] public required ChildStatus Status { get; init; }

    /// <summary>The child no longer belongs to this parent: the delta takes back all it ever added.</summary>
    [Id(4)] public bool Retire { get; init; }
}

/// <summary>The non-additive part of a child's state that its parent shows and aggregates.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.ChildStatus")]
public sealed record ChildStatus
{
    [Id(0)] public GoodAndTons PlanPerDay { get; init; }
    [Id(1)] public LineState State { get; init; }
    [Id(2)] public int ActiveAlerts { get; init; }

    /// <summary>Lines with an ideal rate: the inputs of the enterprise's OEE.</summary>
    [Id(3)] public OeeInputs? Oee { get; init; }
}

/// <summary>
/// A line's OEE inputs for one plant day, as of <see cref="AsOf"/>; the parent extends the running
/// time to its own clock while the line is still running.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.OeeInputs")]
public sealed record OeeInputs
{
    [Id(0)] public int Day { get; init; }
    [Id(1)] public long AsOf { get; init; }
    [Id(2)] public double RunningSeconds { get; init; }
    [Id(3)] public double MaintenanceSeconds { get; init; }
    [Id(4)] public double IdealRatePerHour { get; init; }
    [Id(5)] public LineState StateAtAsOf { get; init; }
}
