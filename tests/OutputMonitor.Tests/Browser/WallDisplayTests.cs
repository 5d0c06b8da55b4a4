using System.Text.RegularExpressions;
using OutputMonitor.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>wall.html?scope=region:{id}: a region's figures for a screen across a room.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WallDisplayTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_wall_display_loads_without_console_errors()
    {
        await using var tab = await browser.NewPageAsync(1920, 1080);
        var page = tab.Page;

        await page.GotoAsync(browser.Product.Url("wall.html?scope=region:prov&kiosk=1"));

        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-status", "live");
        await Expect(page.Locator("#children .bar-row")).ToHaveCountAsync(3);
        await Expect(page.Locator("#top .bar-row")).ToHaveCountAsync(4);
        await Expect(page.Locator("#ticker")).ToHaveTextAsync("当前无告警");
        tab.AssertNoErrors();
    }

    [Fact]
    public async Task A_value_published_over_MQTT_appears_on_the_wall_display_within_two_seconds()
    {
        await using var tab = await browser.NewPageAsync(1920, 1080);
        var page = tab.Page;
        await page.GotoAsync(browser.Product.Url("wall.html?scope=region:prov"));
        var city = page.Locator("#children [data-scope='region:city-c'] .bar-value");
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-status", "live");
        await Expect(city).ToHaveTextAsync("0元");
        await using var device = await MqttTestClient.ConnectAsync(browser.Product.MqttPort);

        // 123 units at 10 CNY: through line, enterprise, city and province to the wall.
        await device.PublishAsync("om/v1/ent-4/p1/output", $$"""{"id":"wall-1","ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"good":123,"scrap":0}""");

        await Expect(city).ToHaveTextAsync("1,230元", new() { Timeout = 2000 });
        tab.AssertNoErrors();
    }

    [Fact]
    public async Task The_wall_ticker_shows_who_acknowledged_an_alert_and_offers_no_button()
    {
        const string id = "ent-6.p4.down.wall";
        await using var tab = await browser.NewLivePageAsync("wall.html?scope=region:zone-y&kiosk=1&lang=en", 1920, 1080);
        var page = tab.Page;
        await BrowserAlerts.RaiseAsync(browser.Product, id, "line:ent-6/p4", "down", "critical", "p4 down");
        var item = page.Locator($"#ticker [data-id='{id}']");
        await Expect(item.Locator(".ticker-status")).ToHaveTextAsync("Active");
        await Expect(page.Locator("button:visible")).ToHaveCountAsync(0);

        await BrowserAlerts.Book(browser.Product, id).AcknowledgeAsync(id, "Li Gong", DateTimeOffset.UtcNow);

        await Expect(item.Locator(".ticker-status")).ToHaveTextAsync(new Regex(@"^Acknowledged by Li Gong · \d{2}/\d{2}, \d{2}:\d{2}$"));
        await Expect(item).ToHaveAttributeAsync("data-status", "acknowledged");
        await Expect(page.Locator("#ticker button")).ToHaveCountAsync(0);
        await Expect(page.Locator("button:visible")).ToHaveCountAsync(0);
        tab.AssertNoErrors();
    }
}
