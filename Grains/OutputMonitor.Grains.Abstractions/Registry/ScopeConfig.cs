using OutputMonitor.Scopes;

namespace OutputMonitor.Registry;

/// <summary>
/// What one scope's grain needs to know of the registry: names, plant time zone, where it rolls up
/// to and what rolls up into it. The registry grain hands it out and pushes it again on every change.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.ScopeConfig")]
public sealed record ScopeConfig
{
    [Id(0)] public required ScopeId Scope { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public string? NameEn { get; init; }
    [Id(3)] public required string TimeZone { get; init; }

    /// <summary>The scopes this one's figures are added into (a line's enterprise; an enterprise's region and chain; a region's parent).</summary>
    [Id(4)] public IReadOnlyList<ScopeId> Parents { get; init; } = [];

    /// <summary>The direct children shown in the snapshot.</summary>
    [Id(5)] public IReadOnlyList<ChildRef> Children { get; init; } = [];

    /// <summary>The line's definition (lines only).</summary>
    [Id(6)] public LineDefinition? Line { get; init; }

    /// <summary>The enterprise's alert defaults (lines and enterprises).</summary>
    [Id(7)] public AlertSettings? EnterpriseAlerts { get; init; }

    /// <summary>The enterprise's lines (enterprises only): the plans its own shortfall rules add up.</summary>
    [Id(8)] public IReadOnlyList<LineDefinition> Lines { get; init; } = [];

    /// <summary>A text that changes whenever anything above changes, to push only real changes.</summary>
    public string Fingerprint() => RegistryJson.Serialize(this);
}

/// <summary>A direct child of a scope, with the names its parent shows.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.ChildRef")]
public sealed record ChildRef([property: Id(0)] ScopeId Scope, [property: Id(1)] string Name, [property: Id(2)] string? NameEn);
