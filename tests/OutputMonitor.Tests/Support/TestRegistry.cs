using OutputMonitor.Registry;

namespace OutputMonitor.Tests.Support;

/// <summary>Small registries built in code, so that each test states the world it runs in.</summary>
public static class TestRegistry
{
    /// <summary>
    /// A fixed-offset zone (<c>Etc/GMT±N</c>) in which it was about noon when the run started: the zone
    /// of the products tests run on the real clock (<see cref="OnTheRealClock"/>). CI tends to run at
    /// midnight in Shanghai, and a plant day that ends between a test's readings and its check splits
    /// the figures it checks. How a plant day ends is tested on fake clocks (DayBoundaryTests).
    /// </summary>
    public static string RealClockTimeZone { get; } = ZoneAtNoon(DateTimeOffset.UtcNow);

    /// <summary>The registry with its top regions (and any region naming a zone) in <see cref="RealClockTimeZone"/>.</summary>
    public static RegistryDocument OnTheRealClock(RegistryDocument registry) => registry with
    {
        Regions = [.. registry.Regions.Select(r => r.Parent is null || r.TimeZone is not null ? r with { TimeZone = RealClockTimeZone } : r)],
    };

    /// <summary>The whole-hour zone whose local time at <paramref name="now"/> is nearest noon.</summary>
    public static string ZoneAtNoon(DateTimeOffset now)
    {
        var hoursAhead = (int)Math.Round(12 - now.UtcDateTime.TimeOfDay.TotalHours);

        // IANA's Etc zones count the other way round: Etc/GMT-4 is four hours ahead of UTC.
        return hoursAhead switch
        {
            0 => "Etc/UTC",
            > 0 => $"Etc/GMT-{hoursAhead}",
            _ => $"Etc/GMT+{-hoursAhead}",
        };
    }

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
