using OutputMonitor.Rollup;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Aggregates;

[GenerateSerializer, SuppressReferenceTracking, Alias("om.AggregateGrainState")]
public sealed class AggregateGrainState : RollupState
{
    /// <summary>The last push applied from each child (kept after retirement, for idempotence).</summary>
    [Id(0)] public Dictionary<ScopeId, long> ChildSeqs { get; set; } = [];

    /// <summary>Each child's recent plant days, summed from its pushes: the children list's figures.</summary>
    [Id(1)] public Dictionary<ScopeId, Dictionary<int, Totals>> ChildDays { get; set; } = [];

    [Id(2)] public Dictionary<ScopeId, ChildStatus> ChildStatuses { get; set; } = [];
}
