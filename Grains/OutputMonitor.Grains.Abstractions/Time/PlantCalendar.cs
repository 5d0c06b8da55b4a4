using System.Collections.Concurrent;

namespace OutputMonitor;

/// <summary>
/// Plant-local calendar arithmetic: which plant day an instant falls in, and where a day, week,
/// month or year starts, in an IANA zone (DST days have 23 or 25 hours).
/// </summary>
public static class PlantCalendar
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Zones = new(StringComparer.Ordinal);

    public static bool IsKnownTimeZone(string id) => FindZone(id) is not null;

    public static TimeZoneInfo GetZone(string? id) =>
        FindZone(id ?? DefaultTimeZone) ?? throw new TimeZoneNotFoundException($"unknown IANA time zone '{id}'");

    private static TimeZoneInfo? FindZone(string id) => Zones.GetOrAdd(id, static key =>
        key.Length is > 0 and <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(key, out var zone) ? zone : null);

    public static DateOnly LocalDate(long epochMilliseconds, TimeZoneInfo zone) =>
        LocalDate(DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds), zone);

    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The instant the plant day starts: local midnight, or the first valid local time after it where DST skips midnight.</summary>
    public static DateTimeOffset DayStart(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        // An ambiguous midnight starts at its first occurrence: the larger offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    public static DateTimeOffset DayEnd(DateOnly day, TimeZoneInfo zone) => DayStart(day.AddDays(1), zone);

    /// <summary>The first day of the plan period (<c>day</c>, <c>week</c> from Monday, <c>month</c>, <c>year</c>) containing <paramref name="day"/>.</summary>
    public static DateOnly PeriodStart(string period, DateOnly day) => period switch
    {
        "week" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        "month" => new DateOnly(day.Year, day.Month, 1),
        "year" => new DateOnly(day.Year, 1, 1),
        _ => day,
    };

    /// <summary>The first day after the plan period containing <paramref name="day"/>.</summary>
    public static DateOnly PeriodEnd(string period, DateOnly day) => period switch
    {
        "week" => PeriodStart(period, day).AddDays(7),
        "month" => PeriodStart(period, day).AddMonths(1),
        "year" => PeriodStart(period, day).AddYears(1),
        _ => day.AddDays(1),
    };
}
