using Orleans.Concurrency;
using OutputMonitor.Persistence;

namespace OutputMonitor.Alerts;

[GenerateSerializer, SuppressReferenceTracking, Alias("om.AlertBookGrainState")]
public sealed class AlertBookGrainState
{
    /// <summary>By id: every open alert and the newest cleared ones.</summary>
    [Id(0)] public Dictionary<string, Alert> Alerts { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The alerts of one enterprise, for the alert queries; written coalesced.</summary>
[Reentrant]
public sealed class AlertBookGrain(
    [PersistentState("alerts", MonitorServices.StorageName)] IPersistentState<AlertBookGrainState> state,
    IAlertDispatcher dispatcher) : Grain, IAlertBookGrain
{
    /// <summary>Cleared alerts kept per enterprise; open ones are always kept.</summary>
    public const int ClearedKept = 500;

    private CoalescedWriter? _writer;

    private CoalescedWriter Writer => _writer ??= new CoalescedWriter(() => state.WriteStateAsync());

    public Task<IReadOnlyList<Alert>> GetAlertsAsync() =>
        Task.FromResult<IReadOnlyList<Alert>>([.. state.State.Alerts.Values.OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id, StringComparer.Ordinal)]);

    public async Task<AcknowledgeResult> AcknowledgeAsync(string id, string by, DateTimeOffset at)
    {
        if (!state.State.Alerts.TryGetValue(id, out var alert))
        {
            return new AcknowledgeResult();
        }

        if (alert.Status != AlertStatuses.Active)
        {
            return new AcknowledgeResult { Alert = alert, Cleared = alert.Status == AlertStatuses.Cleared };
        }

        var acknowledged = alert with { Status = AlertStatuses.Acknowledged, AcknowledgedAt = at, AcknowledgedBy = by };
        await RecordAsync([acknowledged]);
        return new AcknowledgeResult { Alert = acknowledged };
    }

    public async Task RecordAsync(IReadOnlyList<Alert> alerts)
    {
        var book = state.State.Alerts;
        var stored = new List<Alert>(alerts.Count);
        foreach (var alert in alerts)
        {
            var merged = book.TryGetValue(alert.Id, out var known) && known.AcknowledgedAt is not null && alert.AcknowledgedAt is null
                ? alert with
                {
                    Status = alert.Status == AlertStatuses.Active ? AlertStatuses.Acknowledged : alert.Status,
                    AcknowledgedAt = known.AcknowledgedAt,
                    AcknowledgedBy = known.AcknowledgedBy,
                }
                : alert;
            book[alert.Id] = merged;
            stored.Add(merged);
        }

        var cleared = book.Values.Where(a => a.Status == AlertStatuses.Cleared).ToList();
        if (cleared.Count > ClearedKept)
        {
            foreach (var old in cleared.OrderBy(a => a.ClearedAt).Take(cleared.Count - ClearedKept))
            {
                book.Remove(old.Id);
            }
        }

        await Writer.WriteAsync();
        dispatcher.Dispatch(stored);

        // The live push to dashboards, as stored (a rule re-reporting an acknowledged alert does not
        // know of the acknowledgement); the book is the record, which pages read on (re)connect.
        await GrainFactory.GetGrain<IAlertFeedGrain>(0).PublishAsync(stored);
    }
}
