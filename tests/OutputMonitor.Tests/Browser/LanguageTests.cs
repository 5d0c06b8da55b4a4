using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>Chinese by default; English with the toggle (remembered) or ?lang=en.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LanguageTests(BrowserFixture browser)
{
    private const string ValueLabel = ".figure[data-key=value] .figure-label";

    [Fact]
    public async Task The_language_toggle_switches_the_labels_to_English()
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;
        await page.GotoAsync(browser.Product.Url("plant.html?scope=enterprise:ent-1"));
        await Expect(page.Locator(ValueLabel)).ToHaveTextAsync("今日产值");
        await Expect(page.Locator("[data-i18n='plant.lines']")).ToHaveTextAsync("产线与装运线");

        await page.Locator("#lang-toggle").ClickAsync();

        await Expect(page.Locator(ValueLabel)).ToHaveTextAsync("Output value today");
        await Expect(page.Locator("[data-i18n='plant.lines']")).ToHaveTextAsync("Production and shipment lines");
        await Expect(page.Locator("[data-scope='line:ent-1/p1'] .tag")).ToHaveTextAsync("Production line");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#lang-toggle")).ToHaveTextAsync("中文");
    }

    [Fact]
    public async Task The_chosen_language_is_remembered()
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;
        await page.GotoAsync(browser.Product.Url("plant.html?scope=enterprise:ent-1"));
        await page.Locator("#lang-toggle").ClickAsync();
        await Expect(page.Locator(ValueLabel)).ToHaveTextAsync("Output value today");

        await page.GotoAsync(browser.Product.Url("wall.html?scope=region:prov"));

        await Expect(page.Locator("#children-title")).ToHaveTextAsync("Output value today by city");
    }

    [Fact]
    public async Task Lang_en_in_the_query_opens_a_page_in_English()
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;

        await page.GotoAsync(browser.Product.Url("alerts.html?scope=region:prov&lang=en"));

        await Expect(page.Locator("#alert-empty")).ToHaveTextAsync("No open alerts");
        await Expect(page.Locator("#title")).ToHaveTextAsync("PROV · Alerts");
    }
}
