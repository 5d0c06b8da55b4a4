using OutputMonitor.Registry;

namespace OutputMonitor.Simulator.Model;

/// <summary>How a line works shifts. Every pattern keeps the number of state changes a day fixed by its stop count.</summary>
public enum ShiftPattern
{
    /// <summary>Three 8 h shifts from 00:00, each starting with a short handover idle.</summary>
    ThreeShift,

    /// <summary>Two shifts 07:00–15:00 and 15:00–23:00; planned downtime (<c>maintenance</c>) at night.</summary>
    TwoShift,

    /// <summary>Around the clock without handovers (rail, wharf).</summary>
    Continuous,
}

public enum LineCategory
{
    Pharma,
    Process,
    Assembly,
    Mine,
    Rail,
    Wharf,
    Vessel,
    Truck,
    Conveyor,
}

/// <summary>A reason a line stops, the state it reports, how often it is picked and how long it lasts.</summary>
public sealed record StopReason(LineState State, string Text, double Weight, int MinMinutes = 5, int MaxMinutes = 60);

/// <summary>A sensor: its mean while running and while stopped, noise, and whether it follows the line's speed.</summary>
public sealed record SensorSpec(string Name, double Running, double Stopped, double Noise, bool FollowsRate = false, int Decimals = 2);

/// <summary>The fixed character of one simulated line, derived from its registry entry and the seed.</summary>
public sealed class LineProfile
{
    public const double ProductionHoursPerDay = 22;

    private static readonly StopReason Maintenance = new(LineState.Maintenance, "计划检修 planned maintenance", 1, 30, 60);

    private static readonly StopReason[] PharmaStops =
    [
        new(LineState.Down, "卡瓶 jam", 3, 5, 40),
        new(LineState.Down, "设备故障 equipment fault", 2),
        new(LineState.Idle, "在线清洗 CIP cleaning", 2, 20, 60),
        new(LineState.Idle, "换批清场 batch changeover", 2, 15, 60),
        new(LineState.Idle, "待检放行 waiting for QC release", 1, 10, 45),
        Maintenance,
    ];

    private static readonly StopReason[] ProcessStops =
    [
        new(LineState.Down, "卡料 jam", 2, 5, 40),
        new(LineState.Down, "设备故障 equipment fault", 2),
        new(LineState.Down, "电压波动 power dip", 1, 5, 20),
        new(LineState.Idle, "换模 changeover", 2, 15, 60),
        new(LineState.Idle, "缺料 material shortage", 2),
        Maintenance,
    ];

    private static readonly StopReason[] AssemblyStops =
    [
        new(LineState.Down, "设备故障 equipment fault", 2),
        new(LineState.Down, "卡料 jam", 1, 5, 30),
        new(LineState.Idle, "换模 changeover", 2, 15, 60),
        new(LineState.Idle, "缺料 material shortage", 3),
        new(LineState.Idle, "质量停线 quality hold", 1, 10, 45),
        Maintenance,
    ];

    private static readonly StopReason[] MineStops =
    [
        new(LineState.Down, "挖掘机故障 excavator breakdown", 2),
        new(LineState.Idle, "暴雨停工 heavy rain", 2, 20, 60),
        new(LineState.Idle, "爆破警戒 blasting clearance", 2, 15, 40),
        new(LineState.Idle, "站台堆场满(车皮不足) siding stockpile full, wagon shortage", 2, 20, 60),
        new(LineState.Maintenance, "设备保养 equipment servicing", 1, 30, 60),
    ];

    // Wagon shortage: most stops are long waits for empty wagons (see RailRatio).
    private static readonly StopReason[] RailStops =
    [
        new(LineState.Idle, "等待车皮(车皮不足) waiting for wagons, wagon shortage", 6, 90, 180),
        new(LineState.Maintenance, "线路维护 track maintenance", 1, 40, 60),
        new(LineState.Down, "装车站故障 loading station fault", 1),
    ];

    private static readonly StopReason[] WharfStops =
    [
        new(LineState.Idle, "等待驳船 waiting for barges", 3, 15, 60),
        new(LineState.Idle, "低水位 low river water", 1, 30, 60),
        new(LineState.Down, "装船机故障 shiploader fault", 1),
    ];

    private static readonly StopReason[] TruckStops =
    [
        new(LineState.Idle, "等待车辆 waiting for trucks", 2, 10, 50),
        new(LineState.Down, "地磅故障 weighbridge fault", 1, 5, 40),
    ];

    private static readonly StopReason[] ConveyorStops =
    [
        new(LineState.Down, "皮带跑偏 belt misalignment", 2, 5, 30),
        new(LineState.Idle, "缺料 material shortage", 1),
    ];

    private static readonly string[] TruckDestinations = ["郑州 Zhengzhou", "洛阳 Luoyang", "天津港 Tianjin port", "青岛港 Qingdao port", "上海 Shanghai"];

    public static readonly IReadOnlyList<string> VesselDestinations = ["Rizhao", "Qingdao", "Yantai"];

    /// <summary>
    /// The bauxite chain's standing disruption, which the demo's shortfall alerts are about: the railway
    /// is short of wagons, so rail loading hauls 50–60 % of its plan a day, with long idle waits for
    /// wagons; the siding stockpile at the mine is full, so the mine sends fewer haul trucks, 62–70 %
    /// of its plan (about the tons the rail takes away). The river wharf and the vessels carry on from
    /// the wharf's stockpile (86–100 % and 86–94 % of plan). Ratios are drawn per day (per month for
    /// vessels); every rail and mine line of a registry has them.
    /// </summary>
    public static readonly (double Min, double Max) RailRatio = (0.50, 0.60);

    /// <inheritdoc cref="RailRatio"/>
    public static readonly (double Min, double Max) MineRatio = (0.62, 0.70);

    private LineProfile(SimLine line, int seed)
    {
        var rng = SimRandom.At(seed, line.KeyHash, Salt.Profile, 0);
        Category = Categorize(line.Enterprise, line.Definition);
        var definition = line.Definition;
        var text = $"{definition.Id} {definition.NameEn}".ToLowerInvariant();

        OutputPeriodMs = (long)Math.Round(rng.Range(5_000, 15_000) / 100) * 100;
        OutputPhaseMs = (long)rng.Range(0, OutputPeriodMs);
        SensorPeriodMs = (long)Math.Round(rng.Range(25_000, 35_000) / 100) * 100;
        SensorPhaseMs = (long)rng.Range(0, SensorPeriodMs);
        BasePerformance = rng.Range(0.83, 0.94);
        BaseScrap = rng.Range(0.008, 0.022);
        RampMinutes = rng.Range(5, 20);

        IdealPerHour = definition.IdealRatePerHour
            ?? (PlanMath.GoodPerDay(definition.Plan) is { } perDay and > 0 ? perDay / ProductionHoursPerDay : 60);
        TonsPerDay = PlanMath.TonsPerDay(definition.Plan) ?? 1000;

        (Pattern, MinStops, MaxStops, Reasons) = Category switch
        {
            LineCategory.Pharma => (ShiftPattern.ThreeShift, 2, 4, PharmaStops),
            LineCategory.Process => (ShiftPattern.ThreeShift, 2, 4, ProcessStops),
            LineCategory.Assembly => (TwoShifts(line, definition) ? ShiftPattern.TwoShift : ShiftPattern.ThreeShift, 2, 5, AssemblyStops),
            LineCategory.Mine => (ShiftPattern.ThreeShift, 1, 3, MineStops),
            LineCategory.Rail => (ShiftPattern.Continuous, 3, 4, RailStops),
            LineCategory.Wharf => (ShiftPattern.Continuous, 1, 3, WharfStops),
            LineCategory.Truck => (ShiftPattern.TwoShift, 1, 2, TruckStops),
            LineCategory.Conveyor => (ShiftPattern.ThreeShift, 1, 3, ConveyorStops),
            _ => (ShiftPattern.Continuous, 0, 0, Array.Empty<StopReason>()),
        };

        (Mode, From, Destinations, MinTons, MaxTons, MinRatio, MaxRatio) = Category switch
        {
            LineCategory.Mine => ("truck", "采场 pit", ["铁路装车站 rail siding"], 40.0, 60.0, MineRatio.Min, MineRatio.Max),
            LineCategory.Rail => ("rail", "铁路装车站 rail siding", ["内河码头 river wharf"], 3000.0, 4500.0, RailRatio.Min, RailRatio.Max),
            LineCategory.Wharf => ("barge", "内河码头 river wharf", ["锚地 anchorage"], 3000.0, 5000.0, 0.86, 1.0),
            LineCategory.Vessel => ("vessel", "锚地 anchorage", VesselDestinations, 50_000.0, 60_000.0, 0.86, 0.94),
            LineCategory.Conveyor => ("conveyor", null, [], 200.0, 600.0, 0.9, 1.02),
            LineCategory.Truck => ("truck", line.Enterprise.NameEn ?? line.Enterprise.Name, TruckDestinations, 28.0, 36.0, 0.9, 1.03),
            _ => ("truck", (string?)null, Array.Empty<string>(), 0.0, 0.0, 0.0, 0.0),
        };

        // Small plans get smaller loads: at least four a day (a vessel at least two a month).
        if (line.IsShipment && Category != LineCategory.Vessel && MaxTons > TonsPerDay / 4)
        {
            var scale = TonsPerDay / 4 / MaxTons;
            (MinTons, MaxTons) = (Math.Max(0.1, MinTons * scale), Math.Max(0.2, MaxTons * scale));
        }

        Sensors = SensorsFor(Category, text, TonsPerDay, ref rng);
    }

    public LineCategory Category { get; }

    public ShiftPattern Pattern { get; }

    public int MinStops { get; }

    public int MaxStops { get; }

    public IReadOnlyList<StopReason> Reasons { get; }

    /// <summary>Production: the design rate (units/h); from the plan when the registry has none.</summary>
    public double IdealPerHour { get; }

    public double BasePerformance { get; }

    public double BaseScrap { get; }

    public double RampMinutes { get; }

    public long OutputPeriodMs { get; }

    public long OutputPhaseMs { get; }

    public long SensorPeriodMs { get; }

    public long SensorPhaseMs { get; }

    public IReadOnlyList<SensorSpec> Sensors { get; }

    /// <summary>Shipment: the plan per day in tons (from whichever plan period the registry gives).</summary>
    public double TonsPerDay { get; }

    public string Mode { get; }

    public string? From { get; }

    public IReadOnlyList<string> Destinations { get; }

    public double MinTons { get; }

    public double MaxTons { get; }

    /// <summary>Shipment: the range of actual/plan drawn per day (per month for vessels).</summary>
    public double MinRatio { get; }

    public double MaxRatio { get; }

    /// <summary>The number of state messages a day has before its stops (each stop adds two).</summary>
    public int BaseStateMessages => Pattern == ShiftPattern.Continuous ? 1 : 6;

    public static LineProfile For(SimLine line, int seed) => new(line, seed);

    /// <summary>What kind of line this is, from its kind, chain, ids and names (the registry has no such field).</summary>
    public static LineCategory Categorize(EnterpriseDefinition enterprise, LineDefinition definition)
    {
        var text = $"{definition.Id} {definition.NameEn}".ToLowerInvariant();
        var name = definition.Name ?? "";
        if (definition.Kind == LineKinds.Shipment)
        {
            return text switch
            {
                _ when text.Contains("vessel") || (definition.NameEn is null && name.Contains("装船") && !name.Contains("驳船")) => LineCategory.Vessel,
                _ when text.Contains("rail") || name.Contains("铁路") => LineCategory.Rail,
                _ when text.Contains("wharf") || text.Contains("barge") || text.Contains("port") || name.Contains("码头") => LineCategory.Wharf,
                _ when text.Contains("conveyor") || text.Contains("belt") || name.Contains("皮带") => LineCategory.Conveyor,
                _ when text.Contains("mine") || name.Contains("矿山") => LineCategory.Mine,
                _ => LineCategory.Truck,
            };
        }

        string[] pharma = ["api", "filling", "vaccine", "ferment", "lyo", "pharm", "tablet", "injection", "riboflavin", "7-aca", "7aca", "oral"];
        string[] process = ["casting", "ingot", "mill", "furnace", "smelt", "graphit", "yarn", "chip", "plate", "pressing", "clad", "heat-treatment"];
        var chain = enterprise.Chain;
        if (chain == "biomedical" || pharma.Any(text.Contains))
        {
            return LineCategory.Pharma;
        }

        return chain is "nonferrous" or "new-materials" || process.Any(text.Contains) ? LineCategory.Process : LineCategory.Assembly;
    }

    /// <summary>
    /// Shifts are a plant's choice: about one in three plants that only assemble (every line discrete
    /// assembly at 20 units/h or less) work two shifts; the rest of the province runs around the clock.
    /// </summary>
    private static bool TwoShifts(SimLine line, LineDefinition definition)
    {
        var plant = line.Enterprise;
        return definition.IdealRatePerHour is <= 20
            && plant.Lines.All(l => l.Kind == LineKinds.Production && l.IdealRatePerHour is <= 20 && Categorize(plant, l) == LineCategory.Assembly)
            && SimRandom.Hash(plant.Id ?? "") % 3 == 0;
    }

    private static SensorSpec[] SensorsFor(LineCategory category, string text, double tonsPerDay, ref SimRandom rng)
    {
        switch (category)
        {
            case LineCategory.Pharma:
            {
                var temperature = text.Contains("ferment") ? rng.Range(36.5, 37.5) : rng.Range(18, 25);
                return
                [
                    new("temperature_c", temperature, temperature - 0.5, 0.3),
                    new("pressure_bar", rng.Range(1.5, 2.5), 1.0, 0.05),
                    new("vibration_mm_s", rng.Range(0.8, 2.2), 0.1, 0.15),
                    new("speed_rpm", rng.Range(120, 400), 0, 4, FollowsRate: true, Decimals: 0),
                ];
            }

            case LineCategory.Process:
            {
                var temperature = text switch
                {
                    _ when text.Contains("graphit") => rng.Range(2600, 2900),
                    _ when text.Contains("casting") || text.Contains("ingot") => rng.Range(430, 520),
                    _ when text.Contains("mill") || text.Contains("heat") => rng.Range(850, 950),
                    _ => rng.Range(60, 180),
                };
                return
                [
                    new("temperature_c", temperature, temperature * 0.85, temperature * 0.01, Decimals: 1),
                    new("pressure_bar", rng.Range(2, 8), 1.0, 0.1),
                    new("vibration_mm_s", rng.Range(2, 6), 0.2, 0.3),
                    new("speed_rpm", rng.Range(300, 1500), 0, 10, FollowsRate: true, Decimals: 0),
                    new("power_kw", rng.Range(200, 2000), 20, 15, FollowsRate: true, Decimals: 1),
                ];
            }

            case LineCategory.Assembly:
            {
                var ambient = rng.Range(22, 28);
                var air = rng.Range(5.8, 6.4);
                return
                [
                    new("temperature_c", ambient, ambient, 0.2),
                    new("pressure_bar", air, air, 0.05),
                    new("vibration_mm_s", rng.Range(0.5, 2.5), 0.05, 0.1),
                    new("speed_rpm", rng.Range(600, 2400), 0, 15, FollowsRate: true, Decimals: 0),
                ];
            }

            case LineCategory.Vessel:
                return []; // computed from the vessel schedule
            default:
            {
                SensorSpec extra = category switch
                {
                    // Fewer trucks run while the siding stockpile is full.
                    LineCategory.Mine => new("haul_trucks_active", Math.Round(rng.Between(8, 16) * (MineRatio.Min + MineRatio.Max) / 2), 1, 0.6, Decimals: 0),
                    LineCategory.Rail => new("train_speed_kmh", rng.Range(35, 55), 0, 2, Decimals: 1),
                    LineCategory.Wharf => new("river_level_m", rng.Range(4, 7), rng.Range(4, 7), 0.02),
                    LineCategory.Conveyor => new("belt_speed_m_s", rng.Range(3.5, 4.5), 0, 0.05),
                    _ => new("weighbridge_queue", rng.Between(1, 6), 0, 0.8, Decimals: 0),
                };
                return
                [
                    new("throughput_tph", tonsPerDay / 20 * rng.Range(0.9, 1.1), 0, tonsPerDay / 400, FollowsRate: true, Decimals: 1),
                    new("power_kw", rng.Range(150, 900), rng.Range(10, 30), 5, Decimals: 1),
                    extra,
                ];
            }
        }
    }
}

/// <summary>Per-day equivalents of whichever plan period a registry line gives.</summary>
public static class PlanMath
{
    public static double? GoodPerDay(PlanDefinition? plan) =>
        plan?.GoodPerDay ?? plan?.GoodPerWeek / 7.0 ?? plan?.GoodPerMonth * 12 / 365.0 ?? plan?.GoodPerYear / 365.0;

    public static double? TonsPerDay(PlanDefinition? plan) =>
        (double?)(plan?.TonsPerDay ?? plan?.TonsPerWeek / 7m ?? plan?.TonsPerMonth * 12m / 365m ?? plan?.TonsPerYear / 365m);

    /// <summary>The plan for the month of <paramref name="daysInMonth"/> days.</summary>
    public static double TonsPerMonth(PlanDefinition? plan, int daysInMonth) =>
        (double?)plan?.TonsPerMonth ?? (TonsPerDay(plan) ?? 1000) * daysInMonth;
}
