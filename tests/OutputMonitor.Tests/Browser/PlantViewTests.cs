using Microsoft.Playwright;
using OutputMonitor.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>plant.html?scope=enterprise:{id}: the lines of one enterprise, live.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PlantViewTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_plant_view_loads_without_console_errors()
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;

        await page.GotoAsync(browser.Product.Url("plant.html?scope=enterprise:ent-1"));

        // Everything it loads has arrived: the hub's snapshots, each line's history, alerts, dead letters.
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-status", "live");
        await Expect(page.Locator(".line-card")).ToHaveCountAsync(2);
        await Expect(page.Locator(".line-card .spark-box svg")).ToHaveCountAsync(2);
        await Expect(page.Locator("#alert-count")).ToHaveTextAsync("(0)");
        await Expect(page.Locator(".figure[data-key=deadletters] .figure-value")).ToHaveTextAsync("0");
        tab.AssertNoErrors();
    }

    [Fact]
    public async Task A_value_published_over_MQTT_appears_on_the_plant_view_within_two_seconds()
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;
        await page.GotoAsync(browser.Product.Url("plant.html?scope=enterprise:ent-2"));
        var figure = page.Locator("[data-scope='line:ent-2/p1'] .figure-main");
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-status", "live");
        await Expect(figure).ToHaveTextAsync("0件");
        await using var device = await MqttTestClient.ConnectAsync(browser.Product.MqttPort);

        await device.PublishAsync("om/v1/ent-2/p1/output", $$"""{"id":"plant-view-1","ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"good":123,"scrap":0}""");

        await Expect(figure).ToHaveTextAsync("123件", new() { Timeout = 2000 });
        tab.AssertNoErrors();
    }
}
