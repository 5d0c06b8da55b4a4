using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OutputMonitor.Alerts;
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

    [Fact]
    public async Task An_alert_acknowledged_on_the_plant_view_without_a_name_is_recorded_as_the_api_key()
    {
        const string id = "ent-6.p3.down.plant";
        await using var tab = await browser.NewLivePageAsync("plant.html?scope=enterprise:ent-6");
        var page = tab.Page;
        await BrowserAlerts.RaiseAsync(browser.Product, id, "line:ent-6/p3", "down", "warning", "p3 停机");
        var item = page.Locator($"li[data-id='{id}']");
        await Expect(item.Locator(".alert-status")).ToHaveTextAsync("活跃");
        await Expect(page.Locator("#ack-name")).ToHaveValueAsync("");

        await item.Locator(".ack-button").ClickAsync();

        await Expect(item.Locator(".alert-status")).ToHaveTextAsync(new Regex($@"^已确认 · {TestWebApp.AdminName} · \d{{2}}/\d{{2}} \d{{2}}:\d{{2}}$"));
        await Expect(item.Locator("button")).ToHaveCountAsync(0);
        await Expect(item).ToHaveCountAsync(1);
        var stored = await BrowserAlerts.ReadAsync(browser.Product, id);
        Assert.Equal((AlertStatuses.Acknowledged, TestWebApp.AdminName), (stored.Status, stored.AcknowledgedBy));
        tab.AssertNoErrors();
    }
}
