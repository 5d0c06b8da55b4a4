using OutputMonitor.Registry;

namespace OutputMonitor.Simulator.Model;

public enum TelemetryChannel
{
    Output,
    Shipment,
    State,
    Sensor,
}

/// <summary>A registry line as the simulator sees it: ids, topics, plant time zone and kind.</summary>
public sealed class SimLine
{
    private readonly string[] _topics;
    private DateOnly _cachedDay;
    private long _cachedStart = long.MaxValue;
    private long _cachedEnd = long.MinValue;

    public SimLine(EnterpriseDefinition enterprise, LineDefinition line, TimeZoneInfo zone, int seed)
    {
        Enterprise = enterprise;
        Definition = line;
        EnterpriseId = enterprise.Id!;
        LineId = line.Id!;
        Key = $"{EnterpriseId}/{LineId}";
        Zone = zone;
        KeyHash = SimRandom.Hash(Key);
        IsShipment = line.Kind == LineKinds.Shipment;
        _topics = [.. Enum.GetValues<TelemetryChannel>().Select(c => $"om/v1/{EnterpriseId}/{LineId}/{ChannelName(c)}")];

        // Devices differ: about half send epoch milliseconds, the others RFC 3339 with the plant's offset.
        EpochTimestamps = SimRandom.At(seed, KeyHash, Salt.Profile, 99).NextDouble() < 0.5;
    }

    public EnterpriseDefinition Enterprise { get; }

    public LineDefinition Definition { get; }

    public string EnterpriseId { get; }

    public string LineId { get; }

    /// <summary><c>{enterprise}/{line}</c>.</summary>
    public string Key { get; }

    public TimeZoneInfo Zone { get; }

    public ulong KeyHash { get; }

    public bool IsShipment { get; }

    /// <summary>Whether this line's device writes <c>ts</c> as epoch milliseconds (else RFC 3339 with offset).</summary>
    public bool EpochTimestamps { get; }

    public string Topic(TelemetryChannel channel) => _topics[(int)channel];

    public static string ChannelName(TelemetryChannel channel) => channel switch
    {
        TelemetryChannel.Output => "output",
        TelemetryChannel.Shipment => "shipment",
        TelemetryChannel.State => "state",
        _ => "sensor",
    };

    /// <summary>The plant day containing <paramref name="ms"/> and its bounds (epoch ms), cached for the common case.</summary>
    public (DateOnly Day, long StartMs, long EndMs) DayOf(long ms)
    {
        if (ms >= _cachedStart && ms < _cachedEnd)
        {
            return (_cachedDay, _cachedStart, _cachedEnd);
        }

        var day = PlantCalendar.LocalDate(ms, Zone);
        var (start, end) = DayBounds(day);
        (_cachedDay, _cachedStart, _cachedEnd) = (day, start, end);
        return (day, start, end);
    }

    public (long StartMs, long EndMs) DayBounds(DateOnly day) =>
        (PlantCalendar.DayStart(day, Zone).ToUnixTimeMilliseconds(), PlantCalendar.DayEnd(day, Zone).ToUnixTimeMilliseconds());

    /// <summary>All lines of a registry, each with the time zone inherited down its region tree.</summary>
    public static IReadOnlyList<SimLine> FromRegistry(RegistryDocument registry, int seed)
    {
        var regions = registry.Regions.Where(r => r.Id is not null).ToDictionary(r => r.Id!, StringComparer.Ordinal);
        var lines = new List<SimLine>();
        foreach (var enterprise in registry.Enterprises)
        {
            var zone = PlantCalendar.GetZone(ZoneOf(enterprise.Region, regions));
            foreach (var line in enterprise.Lines)
            {
                lines.Add(new SimLine(enterprise, line, zone, seed));
            }
        }

        return lines;
    }

    private static string ZoneOf(string? regionId, Dictionary<string, RegionDefinition> regions)
    {
        for (var depth = 0; regionId is not null && depth < 64 && regions.TryGetValue(regionId, out var region); depth++)
        {
            if (region.TimeZone is not null)
            {
                return region.TimeZone;
            }

            regionId = region.Parent;
        }

        return PlantCalendar.DefaultTimeZone;
    }
}
