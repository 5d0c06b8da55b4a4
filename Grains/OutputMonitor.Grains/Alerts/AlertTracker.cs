using System.Globalization;

namespace OutputMonitor.Alerts;

/// <summary>
/// The alerts a line or enterprise has raised and not yet cleared, at most one per rule, and the
/// changes its enterprise's alert book has not yet confirmed. Persisted with the scope's state, so
/// a restart neither forgets an open alert nor raises it twice.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.AlertTracker")]
public sealed class AlertTracker
{
    /// <summary>Open alerts by kind.</summary>
    [Id(0)] public Dictionary<string, Alert> Open { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Changes to send to the alert book: sent after each write, resent until it answers (it stores by id, so twice is harmless).</summary>
    [Id(1)] public List<Alert> Unsent { get; set; } = [];

    /// <summary>When the rules began watching this scope (Unix ms): a line never heard from is stale counting from here.</summary>
    [Id(2)] public long? WatchingSince { get; set; }

    /// <summary>The period of the evaluation reminder registered for this scope (ms; 0: none).</summary>
    [Id(3)] public long ReminderPeriodMs { get; set; }

    /// <summary>
    /// Raises an alert for each condition that held through its grace and has none open, and clears
    /// each open alert whose condition no longer holds (or whose rule no longer applies). True when anything changed.
    /// </summary>
    /// <param name="idPrefix"><c>{enterprise}.{line}</c> or <c>{enterprise}</c>: alert ids begin with their book's key.</param>
    public bool Apply(string idPrefix, string scope, IReadOnlyList<AlertCondition> conditions, DateTimeOffset now)
    {
        var changed = false;
        foreach (var condition in conditions)
        {
            if (Open.ContainsKey(condition.Kind) || !condition.Raise)
            {
                continue;
            }

            var raised = new Alert
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"{idPrefix}.{condition.Kind}.{now.ToUnixTimeMilliseconds()}"),
                Scope = scope,
                Kind = condition.Kind,
                Severity = condition.Severity,
                Status = AlertStatuses.Active,
                Message = condition.Message,
                RaisedAt = now,
                Details = condition.Details,
            };
            Open[condition.Kind] = raised;
            Send(raised);
            changed = true;
        }

        foreach (var (kind, open) in Open.ToList())
        {
            if (conditions.FirstOrDefault(c => c.Kind == kind) is { Holding: true })
            {
                continue;
            }

            Open.Remove(kind);
            Send(open with { Status = AlertStatuses.Cleared, ClearedAt = now });
            changed = true;
        }

        return changed;
    }

    /// <summary>The book confirmed these: drop them unless a newer change of the same alert came meanwhile.</summary>
    public void Confirmed(IReadOnlyList<Alert> sent)
    {
        foreach (var alert in sent)
        {
            Unsent.Remove(alert);
        }
    }

    // One pending change per alert: the newest says all.
    private void Send(Alert change)
    {
        Unsent.RemoveAll(a => a.Id == change.Id);
        Unsent.Add(change);
    }
}
