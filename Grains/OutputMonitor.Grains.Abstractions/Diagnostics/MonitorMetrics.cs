using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutputMonitor.Scopes;

namespace OutputMonitor.Diagnostics;

/// <summary>
/// The product's one meter, <c>OutputMonitor</c>, and every instrument on it: the names below are
/// the whole scheme (<c>om.{part}.{what}</c>; Prometheus shows <c>om_readings_accepted_total</c>
/// and so on). One instance per host, from the host's <see cref="IMeterFactory"/>; the gateway,
/// the grains and the web node record through it.
/// </summary>
public sealed class MonitorMetrics
{
    public const string MeterName = "OutputMonitor";

    public const string ReadingsAccepted = "om.readings.accepted";
    public const string ReadingsDuplicates = "om.readings.duplicates";
    public const string GatewayMessagesReceived = "om.gateway.messages.received";
    public const string GatewayMessagesAcknowledged = "om.gateway.messages.acknowledged";
    public const string GatewayMessagesInFlight = "om.gateway.messages.in_flight";
    public const string GatewayAckDelay = "om.gateway.ack_delay";
    public const string GatewayDeadLetters = "om.gateway.deadletters";
    public const string GatewayGrainCalls = "om.gateway.grain_calls";
    public const string GatewayRetries = "om.gateway.retries";
    public const string GatewayBrokerDrops = "om.gateway.broker_drops";
    public const string GatewayConnected = "om.gateway.connected";
    public const string BrokerDenied = "om.broker.denied";
    public const string RollupPushes = "om.rollup.pushes";
    public const string SnapshotsSent = "om.snapshots.sent";
    public const string AlertsRaised = "om.alerts.raised";
    public const string AlertsCleared = "om.alerts.cleared";
    public const string AlertsOpen = "om.alerts.open";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _received;
    private readonly Counter<long> _acknowledged;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Histogram<double> _ackDelay;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _grainCalls;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _brokerDrops;
    private readonly Counter<long> _brokerDenied;
    private readonly Counter<long> _pushes;
    private readonly Counter<long> _snapshots;
    private readonly Counter<long> _raised;
    private readonly Counter<long> _cleared;
    private readonly UpDownCounter<long> _open;
    private volatile Func<bool>? _connected;

    public MonitorMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _accepted = Meter.CreateCounter<long>(ReadingsAccepted, "{reading}", "readings counted by the line grains (durable), by line kind");
        _duplicates = Meter.CreateCounter<long>(ReadingsDuplicates, "{reading}", "readings ignored as repeats of an id already counted, by line kind");
        _received = Meter.CreateCounter<long>(GatewayMessagesReceived, "{message}", "MQTT messages the gateway took from the broker (the system's own echoes on om/v1/# included)");
        _acknowledged = Meter.CreateCounter<long>(GatewayMessagesAcknowledged, "{message}", "MQTT messages acknowledged to the broker: counted durably or dead-lettered");
        _inFlight = Meter.CreateUpDownCounter<long>(GatewayMessagesInFlight, "{message}", "messages received and not yet acknowledged: the gateway's backlog");
        _ackDelay = Meter.CreateHistogram<double>(GatewayAckDelay, "s", "time from a message's receipt to its acknowledgement: the gateway's lag",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _deadLetters = Meter.CreateCounter<long>(GatewayDeadLetters, "{message}", "rejected messages and batch items, by code");
        _grainCalls = Meter.CreateCounter<long>(GatewayGrainCalls, "{call}", "batched line grain calls of the gateway");
        _retries = Meter.CreateCounter<long>(GatewayRetries, "{call}", "grain or dead-letter calls the gateway retried");
        _brokerDrops = Meter.CreateCounter<long>(GatewayBrokerDrops, "{message}", "messages the embedded broker dropped because a client's queue was full (lost data)");
        _brokerDenied = Meter.CreateCounter<long>(BrokerDenied, "{request}", "logins, publishes and subscriptions the embedded broker refused (credentials, topic ACLs), by action");
        Meter.CreateObservableGauge(GatewayConnected, ObserveConnected, null, "1 while the gateway is connected to the broker, 0 while not");
        _pushes = Meter.CreateCounter<long>(RollupPushes, "{push}", "roll-up pushes a scope sent to a parent and had answered, by the sending scope's kind");
        _snapshots = Meter.CreateCounter<long>(SnapshotsSent, "{snapshot}", "snapshots sent to watching web nodes, by scope kind");
        _raised = Meter.CreateCounter<long>(AlertsRaised, "{alert}", "alerts raised, by kind");
        _cleared = Meter.CreateCounter<long>(AlertsCleared, "{alert}", "alerts cleared, by kind");
        _open = Meter.CreateUpDownCounter<long>(AlertsOpen, "{alert}", "open alerts held by the active line and enterprise grains of this silo, by kind (sum over silos: all)");
    }

    public Meter Meter { get; }

    public void ReadingsIngested(string lineKind, int accepted, int duplicates)
    {
        var tag = new KeyValuePair<string, object?>("kind", lineKind);
        if (accepted > 0)
        {
            _accepted.Add(accepted, tag);
        }

        if (duplicates > 0)
        {
            _duplicates.Add(duplicates, tag);
        }
    }

    public void MessageReceived()
    {
        _received.Add(1);
        _inFlight.Add(1);
    }

    /// <summary>A received message will not be acknowledged by this process (it is stopping; the broker redelivers).</summary>
    public void MessageAbandoned() => _inFlight.Add(-1);

    public void MessageAcknowledged(TimeSpan sinceReceipt)
    {
        _acknowledged.Add(1);
        _inFlight.Add(-1);
        _ackDelay.Record(Math.Max(0, sinceReceipt.TotalSeconds));
    }

    public void DeadLetter(string code) => _deadLetters.Add(1, new KeyValuePair<string, object?>("code", code));

    public void GrainCall() => _grainCalls.Add(1);

    public void Retry() => _retries.Add(1);

    public void BrokerDrop() => _brokerDrops.Add(1);

    /// <summary>The embedded broker refused a request; <paramref name="action"/> is <c>connect</c>, <c>publish</c> or <c>subscribe</c>.</summary>
    public void BrokerRefused(string action) => _brokerDenied.Add(1, new KeyValuePair<string, object?>("action", action));

    /// <summary>The gateway of this process: <see cref="GatewayConnected"/> reports it (nothing in a process without one).</summary>
    public void ObserveGatewayConnection(Func<bool> connected) => _connected = connected;

    public void PushSent(ScopeKind scope) => _pushes.Add(1, ScopeTag(scope));

    public void SnapshotSent(ScopeKind scope, int watchers) => _snapshots.Add(watchers, ScopeTag(scope));

    public void AlertRaised(string kind)
    {
        _raised.Add(1, KindTag(kind));
        _open.Add(1, KindTag(kind));
    }

    public void AlertCleared(string kind)
    {
        _cleared.Add(1, KindTag(kind));
        _open.Add(-1, KindTag(kind));
    }

    /// <summary>Open alerts a grain brought with it on activation (+1 each) or takes away on deactivation (-1 each).</summary>
    public void OpenAlertsHeld(IEnumerable<string> kinds, int sign)
    {
        foreach (var kind in kinds)
        {
            _open.Add(sign, KindTag(kind));
        }
    }

    /// <summary>Counts what changed between two sets of open alerts (by id): new ids were raised, missing ones cleared.</summary>
    public void AlertsChanged(IReadOnlyDictionary<string, string> openBefore, IEnumerable<(string Id, string Kind)> openAfter)
    {
        var still = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, kind) in openAfter)
        {
            still.Add(id);
            if (!openBefore.ContainsKey(id))
            {
                AlertRaised(kind);
            }
        }

        foreach (var (id, kind) in openBefore)
        {
            if (!still.Contains(id))
            {
                AlertCleared(kind);
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveConnected() =>
        _connected is { } connected ? [new Measurement<int>(connected() ? 1 : 0)] : [];

    private static KeyValuePair<string, object?> KindTag(string kind) => new("kind", kind);

    private static KeyValuePair<string, object?> ScopeTag(ScopeKind scope) => new("scope_kind", scope switch
    {
        ScopeKind.Line => "line",
        ScopeKind.Enterprise => "enterprise",
        ScopeKind.Region => "region",
        _ => "chain",
    });
}

public static class MonitorMetricsExtensions
{
    /// <summary>The host's <see cref="IMeterFactory"/> and its one <see cref="MonitorMetrics"/>.</summary>
    public static IServiceCollection AddMonitorMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<MonitorMetrics>();
        return services;
    }
}
