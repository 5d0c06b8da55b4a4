using OutputMonitor.Diagnostics;
using OutputMonitor.Silo.Health;

namespace OutputMonitor.Gateway.Ingestion;

/// <summary>
/// What the gateway has done, for readiness, tests and the benchmark; also recorded on the
/// product's meter (<see cref="MonitorMetrics"/>, the <c>om.gateway.*</c> instruments).
/// </summary>
public sealed class GatewayStatus : IBrokerConnectionStatus
{
    private readonly MonitorMetrics _metrics;
    private readonly Dictionary<string, long> _deadLetters = new(StringComparer.Ordinal);
    private long _messages;
    private long _readings;
    private long _duplicates;
    private long _grainCalls;
    private long _retries;
    private long _brokerDrops;
    private long _brokerDenials;
    private volatile bool _connected;

    public GatewayStatus(MonitorMetrics metrics)
    {
        _metrics = metrics;
        metrics.ObserveGatewayConnection(() => _connected);
    }

    public bool BrokerConnected => _connected;

    public long Messages => Interlocked.Read(ref _messages);

    public long Readings => Interlocked.Read(ref _readings);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long GrainCalls => Interlocked.Read(ref _grainCalls);

    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Messages the embedded broker dropped because a client's queue was full (lost data).</summary>
    public long BrokerDrops => Interlocked.Read(ref _brokerDrops);

    /// <summary>Logins, publishes and subscriptions the embedded broker refused.</summary>
    public long BrokerDenials => Interlocked.Read(ref _brokerDenials);

    public IReadOnlyDictionary<string, long> DeadLetters
    {
        get
        {
            lock (_deadLetters)
            {
                return new Dictionary<string, long>(_deadLetters, StringComparer.Ordinal);
            }
        }
    }

    internal void SetConnected(bool connected) => _connected = connected;

    internal void AddMessages(int count) => Interlocked.Add(ref _messages, count);

    /// <summary>A message came from the broker and is queued for the pipeline.</summary>
    internal void MessageReceived() => _metrics.MessageReceived();

    /// <summary>A received message this process will not acknowledge (stopping, or the acknowledgement failed): the broker delivers it again.</summary>
    internal void MessageAbandoned() => _metrics.MessageAbandoned();

    internal void MessageAcknowledged(TimeSpan sinceReceipt) => _metrics.MessageAcknowledged(sinceReceipt);

    internal void AddIngest(int accepted, int duplicates)
    {
        Interlocked.Add(ref _readings, accepted);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Increment(ref _grainCalls);
        _metrics.GrainCall();
    }

    internal void AddRetry()
    {
        Interlocked.Increment(ref _retries);
        _metrics.Retry();
    }

    internal long AddBrokerDrop()
    {
        _metrics.BrokerDrop();
        return Interlocked.Increment(ref _brokerDrops);
    }

    /// <summary>A refusal of the embedded broker (<c>connect</c>, <c>publish</c>, <c>subscribe</c>); returns the count so far.</summary>
    internal long AddBrokerDenial(string action)
    {
        _metrics.BrokerRefused(action);
        return Interlocked.Increment(ref _brokerDenials);
    }

    internal void AddDeadLetter(string code)
    {
        lock (_deadLetters)
        {
            _deadLetters[code] = _deadLetters.GetValueOrDefault(code) + 1;
        }

        _metrics.DeadLetter(code);
    }
}
