using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>The "live / stale since …" indicator every dashboard shows.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveIndicatorTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_stale_indicator_appears_when_no_snapshot_arrives_for_longer_than_staleAfter()
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;
        await page.Clock.InstallAsync();
        // ent-3 gets no telemetry in these tests: after the Subscribe answer, nothing arrives.
        await page.GotoAsync(browser.Product.Url("plant.html?scope=enterprise:ent-3&staleAfter=10"));
        var indicator = page.Locator("#live");
        await Expect(indicator).ToHaveAttributeAsync("data-status", "live");
        await Expect(indicator).ToHaveTextAsync("实时");

        // Well inside the threshold, with room for a slow machine between the answer and this jump.
        await page.Clock.FastForwardAsync(3000);
        await Expect(indicator).ToHaveAttributeAsync("data-status", "live");

        // Past it (and still short of SignalR's own 30-second server timeout).
        await page.Clock.FastForwardAsync(15000);
        await Expect(indicator).ToHaveAttributeAsync("data-status", "stale");
        await Expect(indicator).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^数据停滞 · 自 \d{2}:\d{2}:\d{2}$"));
        tab.AssertNoErrors();
    }
}
