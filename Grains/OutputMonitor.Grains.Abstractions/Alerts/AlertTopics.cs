using OutputMonitor.Scopes;

namespace OutputMonitor.Alerts;

/// <summary>The MQTT topics the system publishes alert changes on.</summary>
public static class AlertTopics
{
    public const string Root = "om/v1/alerts";

    /// <summary>A line's alerts: <c>om/v1/alerts/{enterprise}/{line}</c>, as spec/telemetry.md names it.</summary>
    public static string Line(string enterprise, string line) => $"{Root}/{enterprise}/{line}";

    /// <summary>
    /// An enterprise's own alerts (scope <c>enterprise:{id}</c>, e.g. its shortfall), which the spec's
    /// line topic cannot name: <c>om/v1/alerts/{enterprise}</c>, one level up, so that the filter
    /// <c>om/v1/alerts/{enterprise}/#</c> takes an enterprise's own alerts and its lines' together.
    /// </summary>
    public static string Enterprise(string enterprise) => $"{Root}/{enterprise}";

    /// <summary>The topic of an alert's scope; null for a scope alerts are not raised on.</summary>
    public static string? For(string scope) => ScopeId.TryParse(scope, out var id)
        ? id.Kind switch
        {
            ScopeKind.Line => Line(id.Id, id.LineId!),
            ScopeKind.Enterprise => Enterprise(id.Id),
            _ => null,
        }
        : null;
}
