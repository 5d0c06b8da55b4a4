using System.Text.Json.Serialization;

namespace OutputMonitor.Alerts;

/// <summary>An alert of spec/api.md: raised by a rule on a line or enterprise, acknowledged by a person, cleared when its condition ends.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.Alert")]
public sealed record Alert
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Scope { get; init; }

    /// <summary><c>shipment_shortfall</c>, <c>output_shortfall</c>, <c>stale</c> or <c>down</c>.</summary>
    [Id(2)] public required string Kind { get; init; }

    /// <summary><c>warning</c> or <c>critical</c>.</summary>
    [Id(3)] public required string Severity { get; init; }

    /// <summary><c>active</c>, <c>acknowledged</c> or <c>cleared</c>.</summary>
    [Id(4)] public required string Status { get; init; }
    [Id(5)] public required string Message { get; init; }
    [Id(6)] public required DateTimeOffset RaisedAt { get; init; }
    // Written as null while unset, as spec/api.md shows them (the API leaves other nulls out).
    [Id(7)] [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset? AcknowledgedAt { get; init; }
    [Id(8)] [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? AcknowledgedBy { get; init; }
    [Id(9)] [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public DateTimeOffset? ClearedAt { get; init; }
    [Id(10)] public AlertDetails? Details { get; init; }
}

/// <summary>The figures behind an alert; which are set depends on its kind.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.AlertDetails")]
public sealed record AlertDetails
{
    /// <summary>Shortfalls: <c>day</c>, <c>week</c>, <c>month</c> or <c>year</c>.</summary>
    [Id(0)] public string? Period { get; init; }

    /// <summary>Shortfalls: actual since the period began, expected by now at the plan's pace, the period's plan and the projected end-of-period figure.</summary>
    [Id(1)] public decimal? Actual { get; init; }
    [Id(2)] public decimal? Expected { get; init; }
    [Id(3)] public decimal? Plan { get; init; }
    [Id(4)] public decimal? Projected { get; init; }

    /// <summary>Stale: the newest telemetry (null: never).</summary>
    [Id(5)] public DateTimeOffset? LastSeen { get; init; }

    /// <summary>Down: since when.</summary>
    [Id(6)] public DateTimeOffset? Since { get; init; }
}

public static class AlertStatuses
{
    public const string Active = "active";
    public const string Acknowledged = "acknowledged";
    public const string Cleared = "cleared";

    /// <summary>A query filter: active or acknowledged.</summary>
    public const string Open = "open";

    public static bool Matches(string filter, string status) => filter == Open ? status is Active or Acknowledged : filter == status;

    public static bool IsFilter(string? value) => value is Active or Acknowledged or Cleared or Open;
}

/// <summary>The alerts of one enterprise and its lines, open and recently cleared. Key: the enterprise id.</summary>
public interface IAlertBookGrain : IGrainWithStringKey
{
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<Alert>> GetAlertsAsync();

    /// <summary>
    /// Stores new or changed alerts (by id); returns once durable. An acknowledgement already
    /// recorded is kept when a rule reports the same alert again (e.g. as cleared).
    /// </summary>
    Task RecordAsync(IReadOnlyList<Alert> alerts);

    /// <summary>Acknowledges an active alert (an acknowledged one stays as it was); returns once durable.</summary>
    Task<AcknowledgeResult> AcknowledgeAsync(string id, string by, DateTimeOffset at);
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.AcknowledgeResult")]
public sealed record AcknowledgeResult
{
    /// <summary>The alert after the call; null when there is no such alert.</summary>
    [Id(0)] public Alert? Alert { get; init; }

    /// <summary>The alert had cleared already: there is nothing left to acknowledge.</summary>
    [Id(1)] public bool Cleared { get; init; }
}

/// <summary>
/// Every alert change, to every watching web node, which passes each to the dashboards subscribed
/// to its scope or a scope above it. Alert changes are few (minutes apart, not per message), so one
/// grain serves the cluster (key 0); the alert books stay the record, and this is the live push.
/// </summary>
public interface IAlertFeedGrain : IGrainWithIntegerKey
{
    /// <summary>Registers or refreshes a watcher (see <see cref="Scopes.IScopeGrain.WatchAsync"/>).</summary>
    Task WatchAsync(Scopes.IScopeWatcher watcher);

    Task PublishAsync(IReadOnlyList<Alert> alerts);
}
