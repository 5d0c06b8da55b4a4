using System.Text.Json;
using OutputMonitor.Alerts;

namespace OutputMonitor.Tests.Delivery;

/// <summary>The alerts the delivery tests record, and a look into the JSON that was sent.</summary>
public static class SampleAlerts
{
    public static readonly DateTimeOffset RaisedAt = new(2026, 11, 22, 6, 15, 3, 120, TimeSpan.Zero);

    /// <summary>An active <c>down</c> alert raised at <see cref="RaisedAt"/>.</summary>
    public static Alert Raised(string id, string scope = "line:ent-1/p1") => new()
    {
        Id = id,
        Scope = scope,
        Kind = "down",
        Severity = "critical",
        Status = AlertStatuses.Active,
        Message = "p1 down for 30 minutes",
        RaisedAt = RaisedAt,
        Details = new AlertDetails { Since = RaisedAt.AddMinutes(-30) },
    };

    /// <summary>A string field of an alert's JSON.</summary>
    public static string Field(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty(name).GetString()!;
    }
}
