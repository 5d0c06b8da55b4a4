using Microsoft.Extensions.DependencyInjection;
using OutputMonitor.Alerts;
using OutputMonitor.Tests.Support;
using OutputMonitor.Web.Hubs;

namespace OutputMonitor.Tests.Browser;

/// <summary>Alerts for the browser tests, recorded straight into an enterprise's alert book as a rule would.</summary>
internal static class BrowserAlerts
{
    /// <summary>The book of the enterprise an alert id begins with (<c>{enterprise}.{line}.{kind}.{n}</c>).</summary>
    public static IAlertBookGrain Book(WebProduct product, string alertId) =>
        product.Grains.GetGrain<IAlertBookGrain>(alertId[..alertId.IndexOf('.', StringComparison.Ordinal)]);

    /// <summary>
    /// Records an active alert once the web node watches the alert feed (a page that is live has
    /// subscribed; the refresh makes its node's watch current), so the hub pushes it to the pages.
    /// </summary>
    public static async Task<Alert> RaiseAsync(WebProduct product, string id, string scope, string kind, string severity, string message)
    {
        await product.Services.GetRequiredService<ScopeWatch>().RefreshAsync();
        var alert = new Alert
        {
            Id = id,
            Scope = scope,
            Kind = kind,
            Severity = severity,
            Status = AlertStatuses.Active,
            Message = message,
            RaisedAt = DateTimeOffset.UtcNow,
        };
        await Book(product, id).RecordAsync([alert]);
        return alert;
    }

    /// <summary>Records the alert as cleared now (its condition ended).</summary>
    public static Task ClearAsync(WebProduct product, Alert alert) =>
        Book(product, alert.Id).RecordAsync([alert with { Status = AlertStatuses.Cleared, ClearedAt = DateTimeOffset.UtcNow }]);

    /// <summary>The alert as its book holds it now.</summary>
    public static async Task<Alert> ReadAsync(WebProduct product, string id) =>
        (await Book(product, id).GetAlertsAsync()).Single(a => a.Id == id);
}
