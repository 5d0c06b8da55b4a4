namespace OutputMonitor.Registry;

// The registry exactly as spec/api.md writes it. Properties are nullable where the JSON may omit
// them, so that RegistryValidator, not the deserializer, names every missing field.

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.RegistryDocument")]
public sealed record RegistryDocument
{
    [Id(0)] public IReadOnlyList<RegionDefinition> Regions { get; init; } = [];
    [Id(1)] public IReadOnlyList<ChainDefinition> Chains { get; init; } = [];
    [Id(2)] public IReadOnlyList<EnterpriseDefinition> Enterprises { get; init; } = [];
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.RegionDefinition")]
public sealed record RegionDefinition
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public string? NameEn { get; init; }
    [Id(3)] public string? Parent { get; init; }

    /// <summary>IANA zone; inherited from the parent when absent (default Asia/Shanghai).</summary>
    [Id(4)] public string? TimeZone { get; init; }
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.ChainDefinition")]
public sealed record ChainDefinition
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public string? NameEn { get; init; }
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.EnterpriseDefinition")]
public sealed record EnterpriseDefinition
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public string? NameEn { get; init; }
    [Id(3)] public string? Region { get; init; }
    [Id(4)] public string? Chain { get; init; }
    [Id(5)] public IReadOnlyList<LineDefinition> Lines { get; init; } = [];

    /// <summary>Enterprise-wide alert defaults; a line's own <c>alerts</c> override them.</summary>
    [Id(6)] public AlertSettings? Alerts { get; init; }
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.LineDefinition")]
public sealed record LineDefinition
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public string? NameEn { get; init; }

    /// <summary><c>production</c> (counts units) or <c>shipment</c> (counts tons).</summary>
    [Id(3)] public string? Kind { get; init; }
    [Id(4)] public decimal? UnitValueCny { get; init; }
    [Id(5)] public double? IdealRatePerHour { get; init; }
    [Id(6)] public PlanDefinition? Plan { get; init; }
    [Id(7)] public AlertSettings? Alerts { get; init; }
}

public static class LineKinds
{
    public const string Production = "production";
    public const string Shipment = "shipment";
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.PlanDefinition")]
public sealed record PlanDefinition
{
    [Id(0)] public long? GoodPerDay { get; init; }
    [Id(1)] public long? GoodPerWeek { get; init; }
    [Id(2)] public long? GoodPerMonth { get; init; }
    [Id(3)] public long? GoodPerYear { get; init; }
    [Id(4)] public decimal? TonsPerDay { get; init; }
    [Id(5)] public decimal? TonsPerWeek { get; init; }
    [Id(6)] public decimal? TonsPerMonth { get; init; }
    [Id(7)] public decimal? TonsPerYear { get; init; }
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.AlertSettings")]
public sealed record AlertSettings
{
    /// <summary><c>day</c>, <c>week</c>, <c>month</c> or <c>year</c>.</summary>
    [Id(0)] public string? ShortfallPeriod { get; init; }
    [Id(1)] public double? ShortfallTolerance { get; init; }
    [Id(2)] public int? GraceMinutes { get; init; }
    [Id(3)] public int? StaleAfterMinutes { get; init; }
}

public static class PlanPeriods
{
    public const string Day = "day";
    public const string Week = "week";
    public const string Month = "month";
    public const string Year = "year";

    public static readonly IReadOnlyList<string> All = [Day, Week, Month, Year];
}
