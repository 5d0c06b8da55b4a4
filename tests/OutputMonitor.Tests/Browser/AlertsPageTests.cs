using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OutputMonitor.Alerts;
using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>alerts.html?scope=…: the open alerts of a scope, kept current by the hub's alert messages, acknowledged from the page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertsPageTests(BrowserFixture browser)
{
    /// <summary>An acknowledged alert's status: who, then the day and time in the scope's zone.</summary>
    private static readonly Regex AcknowledgedByManager = new(@"^已确认 · 张经理 · \d{2}/\d{2} \d{2}:\d{2}$");

    [Fact]
    public async Task An_alert_appears_on_the_alerts_page_when_raised_and_leaves_it_when_cleared()
    {
        await using var tab = await browser.NewLivePageAsync("alerts.html?scope=region:zone-z");
        var page = tab.Page;
        await Expect(page.Locator("#alert-empty")).ToHaveTextAsync("当前没有未关闭的告警");

        var raised = await BrowserAlerts.RaiseAsync(browser.Product, "ent-5.p1.down.browser", "line:ent-5/p1", "down", "critical", "p1 停机超过 30 分钟");

        var row = page.Locator("tr[data-id='ent-5.p1.down.browser']");
        Regex[] cells = [Exactly("严重"), Exactly("停机"), Exactly("ent-5 企业 · p1 线"), Exactly("p1 停机超过 30 分钟"), new(@"^\d{2}/\d{2} \d{2}:\d{2}$"), Exactly("活跃"), Exactly("确认")];
        await Expect(row.Locator("td")).ToHaveTextAsync(cells);
        await Expect(page.Locator("#alert-count")).ToHaveTextAsync("(1)");
        await Expect(page.Locator("#alert-empty")).ToBeHiddenAsync();

        await BrowserAlerts.ClearAsync(browser.Product, raised);

        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.Locator("#alert-empty")).ToBeVisibleAsync();
        tab.AssertNoErrors();
    }

    [Fact]
    public async Task Acknowledging_on_the_alerts_page_records_the_name_and_every_page_of_the_scope_shows_it_once()
    {
        const string id = "ent-6.p1.down.ack";
        const string url = "alerts.html?scope=line:ent-6/p1";
        await using var tab = await browser.NewPageAsync();
        await using var other = await browser.NewLivePageAsync(url);
        var page = tab.Page;
        // The acknowledgement is held twice: before it reaches the server (the button is busy
        // meanwhile), then after the server answered, so that the hub's message arrives first.
        var toServer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var toPage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/alerts/*/ack", async route =>
        {
            await toServer.Task;
            var response = await route.FetchAsync();
            await toPage.Task;
            await route.FulfillAsync(new() { Response = response });
        });
        await browser.OpenLiveAsync(page, url);
        await BrowserAlerts.RaiseAsync(browser.Product, id, "line:ent-6/p1", "down", "critical", "p1 停机");
        var row = page.Locator($"tr[data-id='{id}']");
        var button = row.Locator(".ack-button");
        await Expect(button).ToHaveTextAsync("确认");
        await Expect(other.Page.Locator($"tr[data-id='{id}'] .ack-button")).ToBeEnabledAsync();
        await page.Locator("#ack-name").FillAsync("张经理");
        await RecordStatusesAsync(page, id);

        await button.ClickAsync();

        await Expect(button).ToBeDisabledAsync();
        await Expect(button).ToHaveTextAsync("确认中…");
        toServer.SetResult();
        // The hub's message, before the answer: the row is acknowledged, still waiting for its answer.
        await Expect(row.Locator(".alert-status")).ToHaveTextAsync(AcknowledgedByManager);
        await Expect(row).ToHaveAttributeAsync("aria-busy", "true");
        toPage.SetResult();
        await Expect(row).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator(".alert-status")).ToHaveTextAsync(AcknowledgedByManager);
        await Expect(row.Locator("button")).ToHaveCountAsync(0);
        Assert.Equal(["active", "acknowledged"], await page.EvaluateAsync<string[]>("() => window.statusesSeen"));
        await Expect(page.Locator("#ack-problem")).ToBeHiddenAsync();

        // The other page learnt it from the hub; the alert book holds it.
        var otherRow = other.Page.Locator($"tr[data-id='{id}']");
        await Expect(otherRow).ToHaveCountAsync(1);
        await Expect(otherRow.Locator(".alert-status")).ToHaveTextAsync(AcknowledgedByManager);
        await Expect(otherRow.Locator("button")).ToHaveCountAsync(0);
        var stored = await BrowserAlerts.ReadAsync(browser.Product, id);
        Assert.Equal((AlertStatuses.Acknowledged, "张经理"), (stored.Status, stored.AcknowledgedBy));

        // Loaded afresh, the row is as stored and the name is remembered.
        await page.ReloadAsync();
        await Expect(row.Locator(".alert-status")).ToHaveTextAsync(AcknowledgedByManager);
        await Expect(page.Locator("#ack-name")).ToHaveValueAsync("张经理");
        tab.AssertNoErrors();
        other.AssertNoErrors();
    }

    [Fact]
    public async Task Acknowledging_an_alert_that_cleared_meanwhile_shows_why_and_removes_its_row()
    {
        const string id = "ent-6.p2.stale.cleared";
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;
        // The hub's messages about this alert can be held back, so that only the acknowledgement's answer tells the page it cleared.
        var holdBack = false;
        await page.RouteWebSocketAsync(address => address.Contains("/hubs/monitor", StringComparison.Ordinal), socket =>
        {
            var server = socket.ConnectToServer();
            server.OnMessage(frame =>
            {
                if (frame.Text is null)
                {
                    socket.Send(frame.Binary!);
                    return;
                }

                var kept = Volatile.Read(ref holdBack) ? WithoutAlertMessages(frame.Text, id) : frame.Text;
                if (kept.Length > 0)
                {
                    socket.Send(kept);
                }
            });
        });
        await browser.OpenLiveAsync(page, "alerts.html?scope=line:ent-6/p2");
        var raised = await BrowserAlerts.RaiseAsync(browser.Product, id, "line:ent-6/p2", "stale", "warning", "p2 无数据");
        var row = page.Locator($"tr[data-id='{id}']");
        await Expect(row.Locator(".ack-button")).ToBeEnabledAsync();
        Volatile.Write(ref holdBack, true);
        await BrowserAlerts.ClearAsync(browser.Product, raised);

        await row.Locator(".ack-button").ClickAsync();

        await Expect(page.Locator("#ack-problem")).ToBeVisibleAsync();
        await Expect(page.Locator("#ack-problem .ack-problem-text")).ToHaveTextAsync(
            new Regex($@"^告警已解除，无需确认：Alert '{Regex.Escape(id)}' cleared at .+: there is nothing left to acknowledge\.$"));
        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.Locator("#alert-empty")).ToHaveTextAsync("当前没有未关闭的告警");
        Assert.Equal(AlertStatuses.Cleared, (await BrowserAlerts.ReadAsync(browser.Product, id)).Status);

        await page.Locator("#ack-problem .ack-dismiss").ClickAsync();

        await Expect(page.Locator("#ack-problem")).ToBeHiddenAsync();
        tab.AssertNoErrors(new Regex($@"^console error: Failed to load resource: the server responded with a status of 409 \(Conflict\) \(http://127\.0\.0\.1:\d+/api/alerts/{Regex.Escape(id)}/ack:0:0\)$"));
    }

    /// <summary>Records in window.statusesSeen every status the alert's row shows from now on (a change at a time).</summary>
    private static async Task RecordStatusesAsync(IPage page, string id) => await page.EvaluateAsync(
        """
        id => {
          const seen = window.statusesSeen = [];
          const note = () => {
            const status = document.querySelector(`tr[data-id="${id}"]`)?.dataset.status ?? 'none';
            if (seen.at(-1) !== status) seen.push(status);
          };
          note();
          new MutationObserver(note).observe(document.getElementById('alert-rows'), { childList: true, subtree: true, attributes: true });
        }
        """, id);

    /// <summary>A SignalR JSON frame without its <c>alert</c> messages about one alert (records end with 0x1E).</summary>
    private static string WithoutAlertMessages(string frame, string id) =>
        string.Concat(frame.Split('\u001e', StringSplitOptions.RemoveEmptyEntries)
            .Where(record => !IsAlertMessageAbout(record, id))
            .Select(record => record + '\u001e'));

    private static bool IsAlertMessageAbout(string record, string id)
    {
        using var json = JsonDocument.Parse(record);
        return json.RootElement.TryGetProperty("target", out var target) && target.GetString() == "alert"
            && json.RootElement.GetProperty("arguments")[0].GetProperty("id").GetString() == id;
    }

    private static Regex Exactly(string text) => new($"^{Regex.Escape(text)}$");
}
