using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OutputMonitor.Alerts;
using OutputMonitor.Web.Hubs;
using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>alerts.html?scope=…: the open alerts of a scope, kept current by the hub's alert messages.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertsPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_alert_appears_on_the_alerts_page_when_raised_and_leaves_it_when_cleared()
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;
        await page.GotoAsync(browser.Product.Url("alerts.html?scope=region:zone-z"));
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-status", "live");
        await Expect(page.Locator("#alert-empty")).ToHaveTextAsync("当前没有未关闭的告警");
        await browser.Product.Services.GetRequiredService<ScopeWatch>().RefreshAsync();
        var book = browser.Product.Grains.GetGrain<IAlertBookGrain>("ent-5");
        var raised = new Alert
        {
            Id = "ent-5.p1.down.browser",
            Scope = "line:ent-5/p1",
            Kind = "down",
            Severity = "critical",
            Status = AlertStatuses.Active,
            Message = "p1 停机超过 30 分钟",
            RaisedAt = DateTimeOffset.UtcNow,
        };

        await book.RecordAsync([raised]);

        var row = page.Locator("tr[data-id='ent-5.p1.down.browser']");
        Regex[] cells = [Exactly("严重"), Exactly("停机"), Exactly("ent-5 企业 · p1 线"), Exactly("p1 停机超过 30 分钟"), new(@"^\d{2}/\d{2} \d{2}:\d{2}$"), Exactly("活跃")];
        await Expect(row.Locator("td")).ToHaveTextAsync(cells);
        await Expect(page.Locator("#alert-count")).ToHaveTextAsync("(1)");
        await Expect(page.Locator("#alert-empty")).ToBeHiddenAsync();

        await book.RecordAsync([raised with { Status = AlertStatuses.Cleared, ClearedAt = DateTimeOffset.UtcNow }]);

        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.Locator("#alert-empty")).ToBeVisibleAsync();
        tab.AssertNoErrors();
    }

    private static Regex Exactly(string text) => new($"^{Regex.Escape(text)}$");
}
