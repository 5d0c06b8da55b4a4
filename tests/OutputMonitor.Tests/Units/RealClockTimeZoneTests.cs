using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Units;

/// <summary>The zone of the products tests run on the real clock keeps the run far from a plant day's end, whenever it runs.</summary>
public class RealClockTimeZoneTests
{
    [Theory]
    [InlineData("2026-11-25T16:00:43Z")] // midnight in Shanghai, when CI ran and found a plant day 43 s old
    [InlineData("2026-11-25T00:00:00Z")]
    [InlineData("2026-11-25T00:29:59Z")]
    [InlineData("2026-11-25T00:30:00Z")]
    [InlineData("2026-11-25T05:45:00Z")]
    [InlineData("2026-11-25T12:00:00Z")]
    [InlineData("2026-11-25T23:59:59Z")]
    public void It_is_about_noon_there(string utc)
    {
        var now = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        var zone = TestRegistry.ZoneAtNoon(now);

        Assert.True(PlantCalendar.IsKnownTimeZone(zone), zone);
        var local = TimeZoneInfo.ConvertTime(now, PlantCalendar.GetZone(zone)).TimeOfDay;
        Assert.InRange(local, new TimeSpan(11, 30, 0), new TimeSpan(12, 30, 0));
    }

    [Fact]
    public void A_real_clock_registry_moves_its_top_regions_and_the_regions_naming_a_zone()
    {
        var registry = TestRegistry.Small() with { Regions = [.. TestRegistry.Small().Regions, TestRegistry.Region("zone-z", "prov", "Europe/Berlin")] };

        var moved = TestRegistry.OnTheRealClock(registry).Regions.ToDictionary(r => r.Id!, r => r.TimeZone);

        Assert.Equal(TestRegistry.RealClockTimeZone, moved["prov"]);
        Assert.Equal(TestRegistry.RealClockTimeZone, moved["zone-z"]);
        Assert.Null(moved["city-a"]);
    }
}
