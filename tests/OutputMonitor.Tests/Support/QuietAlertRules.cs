namespace OutputMonitor.Tests.Support;

/// <summary>
/// Test hosts run alert rules when a test asks (<c>EvaluateAlertsAsync</c>), not by reminder or for
/// every scope at start: the test registries have plans, and a shortfall raised on a real clock
/// midway through another test's assertions would make it depend on the time of day.
/// </summary>
public static class QuietAlertRules
{
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Alerts:EvaluateInterval"] = "01:00:00",
        ["Alerts:WatchAllAtStart"] = "false",
    };
}
