using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>
/// The pages offer acknowledging only where the server would take it (GET /api/me): a key from
/// the URL fragment (#key=…, taken out of the address bar), viewers and anonymous readers none.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AcknowledgeRightsTests(BrowserFixture browser)
{
    private const string Page = "alerts.html?scope=line:ent-6/p5";

    [Theory]
    [InlineData("", "anonymous")]
    [InlineData(BrowserFixture.ViewerKey, "viewer")]
    public async Task Without_a_manager_or_admin_key_the_alerts_page_offers_no_acknowledgement(string key, string who)
    {
        var id = $"ent-6.p5.down.{who}";
        await BrowserAlerts.RaiseAsync(browser.Product, id, "line:ent-6/p5", "down", "warning", "p5 停机");
        await using var tab = await browser.NewPageAsync();

        await browser.OpenLiveAsync(tab.Page, $"{Page}#key={key}");

        await Expect(tab.Page.Locator($"tr[data-id='{id}']")).ToHaveCountAsync(1);
        await Expect(tab.Page.Locator(".ack-button")).ToHaveCountAsync(0);
        await Expect(tab.Page.Locator("#ack-name")).ToHaveCountAsync(0);
        await Expect(tab.Page.Locator("#action-column")).ToBeHiddenAsync();
        tab.AssertNoErrors();
    }

    [Fact]
    public async Task A_manager_of_the_enterprise_gets_the_button_and_the_key_leaves_the_address_bar()
    {
        const string id = "ent-6.p5.down.manager";
        await BrowserAlerts.RaiseAsync(browser.Product, id, "line:ent-6/p5", "down", "warning", "p5 停机");
        await using var tab = await browser.NewPageAsync();

        await browser.OpenLiveAsync(tab.Page, $"{Page}#key={BrowserFixture.ManagerKey}");

        await Expect(tab.Page.Locator($"tr[data-id='{id}'] .ack-button")).ToBeEnabledAsync();
        Assert.DoesNotContain(BrowserFixture.ManagerKey, tab.Page.Url, StringComparison.Ordinal);
        // Kept in this browser: the next page needs no fragment.
        await tab.Page.GotoAsync(browser.Product.Url(Page).Split('#')[0]);
        await Expect(tab.Page.Locator($"tr[data-id='{id}'] .ack-button")).ToBeEnabledAsync();
        tab.AssertNoErrors();
    }
}
