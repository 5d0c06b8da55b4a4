using OutputMonitor.Registry;

namespace OutputMonitor.Tests.Support;

/// <summary>Small registries built in code, so that each test states the world it runs in.</summary>
public static class TestRegistry
{
    /// <summary>
    /// prov (zone) → city-a, city-b; chains chain-x, chain-y. ent-1 (city-a, chain-x): production
    /// line p1 (10 CNY/unit, ideal 100/h, 2000/day) and shipment line s1 (500 t/day); ent-2 (city-b,
    /// chain-x): p1; ent-3 (city-b, chain-y): p1, p2.
    /// </summary>
    public static RegistryDocument Small(string timeZone = "Asia/Shanghai") => new()
    {
        Regions =
        [
            Region("prov", null, timeZone),
            Region("city-a", "prov"),
            Region("city-b", "prov"),
        ],
        Chains = [Chain("chain-x"), Chain("chain-y")],
        Enterprises =
        [
            Enterprise("ent-1", "city-a", "chain-x", Production("p1", unitValue: 10m, ideal: 100, goodPerDay: 2000), Shipment("s1", tonsPerDay: 500m)),
            Enterprise("ent-2", "city-b", "chain-x", Production("p1", unitValue: 2.5m, goodPerDay: 800)),
            Enterprise("ent-3", "city-b", "chain-y", Production("p1", unitValue: 1m, ideal: 60, goodPerDay: 1000), Production("p2", unitValue: 0.1m)),
        ],
    };

    public static RegionDefinition Region(string id, string? parent, string? timeZone = null) =>
        new() { Id = id, Name = $"{id} 区", NameEn = id.ToUpperInvariant(), Parent = parent, TimeZone = timeZone };

    public static ChainDefinition Chain(string id) => new() { Id = id, Name = $"{id} 链", NameEn = id };

    public static EnterpriseDefinition Enterprise(string id, string region, string? chain, params LineDefinition[] lines) =>
        new() { Id = id, Name = $"{id} 企业", NameEn = id, Region = region, Chain = chain, Lines = lines };

    public static LineDefinition Production(string id, decimal unitValue = 1m, double? ideal = null, long? goodPerDay = null) =>
        new()
        {
            Id = id,
            Name = $"{id} 线",
            NameEn = id,
            Kind = LineKinds.Production,
            UnitValueCny = unitValue,
            IdealRatePerHour = ideal,
            Plan = goodPerDay is null ? null : new PlanDefinition { GoodPerDay = goodPerDay },
        };

    public static LineDefinition Shipment(string id, decimal? tonsPerDay = null) =>
        new()
        {
            Id = id,
            Name = $"{id} 装运",
            NameEn = id,
            Kind = LineKinds.Shipment,
            Plan = tonsPerDay is null ? null : new PlanDefinition { TonsPerDay = tonsPerDay },
        };
}
