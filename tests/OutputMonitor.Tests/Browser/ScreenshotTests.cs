using Microsoft.Playwright;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>
/// Screenshots of the four dashboards with some data, saved under artifacts/screenshots/ at the
/// repository root. The product and the pages run at 15:00 in Shanghai on a fixed day, so the
/// plant day holds the three hours of data whenever the suite runs (just after midnight it held none).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly string Folder = Path.Combine(WebProduct.RepositoryRoot, "artifacts", "screenshots");

    private readonly ShiftedClock _clock = new(new DateTimeOffset(2026, 11, 18, 15, 0, 0, TimeSpan.FromHours(8)));

    private WebProduct _product = null!;

    public async Task InitializeAsync() => _product = await WebProduct.StartAsync(BrowserFixture.Registry(), clock: _clock);

    public async Task DisposeAsync() => await _product.DisposeAsync();

    [Fact]
    public async Task Screenshots_of_the_plant_view_line_view_wall_display_and_alerts_page_are_saved()
    {
        await FeedEnterpriseOneAsync();
        Directory.CreateDirectory(Folder);

        await CaptureAsync("plant.png", "plant.html?scope=enterprise:ent-1", 1440, 900, page =>
            Expect(page.Locator("[data-scope='line:ent-1/p1'] .spark-box svg")).ToBeVisibleAsync());
        await CaptureAsync("line.png", "line.html?scope=line:ent-1/p1", 1440, 900, page =>
            Expect(page.Locator("#buckets-chart svg")).ToBeVisibleAsync());
        await CaptureAsync("wall.png", "wall.html?scope=region:prov&kiosk=1", 1920, 1080, page =>
            Expect(page.Locator("#children .bar-row")).ToHaveCountAsync(3));
        await CaptureAsync("alerts.png", "alerts.html?scope=region:prov", 1440, 900, page =>
            Expect(page.Locator("#alert-count")).ToHaveTextAsync("(0)"));
    }

    private async Task CaptureAsync(string file, string path, int width, int height, Func<IPage, Task> ready)
    {
        await using var tab = await browser.NewPageAsync(width, height);
        var page = tab.Page;
        await page.Clock.SetFixedTimeAsync(_clock.GetUtcNow().UtcDateTime);
        await page.GotoAsync(_product.Url(path));
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-status", "live");
        await ready(page);

        var target = Path.Combine(Folder, file);
        await page.ScreenshotAsync(new() { Path = target, Animations = ScreenshotAnimations.Disabled });

        Assert.True(new FileInfo(target).Length > 10_000, $"{target} is suspiciously small");
        tab.AssertNoErrors();
    }

    /// <summary>Three hours of a running line (output each minute, sensors) and a few shipments, straight into the grains.</summary>
    private async Task FeedEnterpriseOneAsync()
    {
        var now = _clock.GetUtcNow();
        var start = now.AddHours(-3);
        var p1 = _product.Grains.GetLineGrain("ent-1", "p1");
        var readings = new List<Reading> { Reading.StateChange("shot-state", start, LineState.Running) };
        for (var minute = 0; minute < 180; minute++)
        {
            readings.Add(Reading.Output($"shot-out-{minute}", start.AddMinutes(minute), good: 1 + (minute % 3 == 0 ? 1 : 0), scrap: minute % 40 == 0 ? 1 : 0));
        }

        readings.Add(Reading.Sensor("shot-sensor", now.AddSeconds(-5), [new("temperature_c", 21.5), new("speed_rpm", 370)]));
        await p1.IngestAsync(readings);

        var s1 = _product.Grains.GetLineGrain("ent-1", "s1");
        await s1.IngestAsync([.. Enumerable.Range(0, 6).Select(i => Reading.Shipment($"shot-ship-{i}", start.AddMinutes(30 * i), 20m))]);
    }
}
