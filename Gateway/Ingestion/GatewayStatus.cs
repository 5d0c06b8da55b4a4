using System.Diagnostics.Metrics;

namespace OutputMonitor.Gateway.Ingestion;

/// <summary>
/// What the gateway has done, for readiness, tests and the benchmark; also published as the
/// <c>OutputMonitor.Gateway</c> meter.
/// </summary>
public sealed class GatewayStatus : IDisposable
{
    public const string MeterName = "OutputMonitor.Gateway";

    private readonly Meter _meter = new(MeterName);
    private readonly Dictionary<string, long> _deadLetters = new(StringComparer.Ordinal);
    private long _messages;
    private long _readings;
    private long _duplicates;
    private long _grainCalls;
    private long _retries;
    private long _brokerDrops;
    private volatile bool _connected;

    public GatewayStatus()
    {
        _meter.CreateObservableCounter("om.gateway.messages", () => Messages, description: "MQTT messages taken (acknowledged)");
        _meter.CreateObservableCounter("om.gateway.readings", () => Readings, description: "readings counted by the line grains");
        _meter.CreateObservableCounter("om.gateway.duplicates", () => Duplicates, description: "readings ignored as repeated ids");
        _meter.CreateObservableCounter("om.gateway.grain_calls", () => GrainCalls, description: "batched line grain calls");
        _meter.CreateObservableCounter("om.gateway.deadletters", DeadLetterMeasurements, description: "rejected messages and items, per code");
        _meter.CreateObservableCounter("om.gateway.broker_drops", () => BrokerDrops, description: "messages the embedded broker dropped because a client's queue was full");
        _meter.CreateObservableGauge("om.gateway.connected", () => _connected ? 1 : 0, description: "1 while connected to the broker");
    }

    public bool BrokerConnected => _connected;

    public long Messages => Interlocked.Read(ref _messages);

    public long Readings => Interlocked.Read(ref _readings);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long GrainCalls => Interlocked.Read(ref _grainCalls);

    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Messages the embedded broker dropped because a client's queue was full (lost data).</summary>
    public long BrokerDrops => Interlocked.Read(ref _brokerDrops);

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

    public void Dispose() => _meter.Dispose();

    internal void SetConnected(bool connected) => _connected = connected;

    internal void AddMessages(int count) => Interlocked.Add(ref _messages, count);

    internal void AddIngest(int accepted, int duplicates)
    {
        Interlocked.Add(ref _readings, accepted);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Increment(ref _grainCalls);
    }

    internal void AddRetry() => Interlocked.Increment(ref _retries);

    internal long AddBrokerDrop() => Interlocked.Increment(ref _brokerDrops);

    internal void AddDeadLetter(string code)
    {
        lock (_deadLetters)
        {
            _deadLetters[code] = _deadLetters.GetValueOrDefault(code) + 1;
        }
    }

    private IEnumerable<Measurement<long>> DeadLetterMeasurements() =>
        DeadLetters.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("code", d.Key)));
}
