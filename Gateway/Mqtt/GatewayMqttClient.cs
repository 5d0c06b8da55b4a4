using MQTTnet;
using MQTTnet.Protocol;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// The gateway's one MQTT connection: received on by the ingestion service, published on for dead
/// letters. It reads ahead and writes behind (<see cref="BufferedMqttChannel"/>): it takes every
/// message and sends every acknowledgement.
/// </summary>
public sealed class GatewayMqttClient : IDisposable
{
    public IMqttClient Client { get; } = BufferedClientAdapterFactory.CreateClient();

    public void Dispose() => Client.Dispose();
}

/// <summary>
/// Dead letters to <c>om/v1/deadletter/…</c> (QoS 1) and to the newest-kept store per enterprise.
/// A batch's dead letters are published at once, up to <see cref="MaxInFlight"/> awaiting their
/// PUBACK across the gateway: one at a time, a flood of junk at 10,000 msg/s was dead-lettered at
/// ~3,000 a second, and the telemetry behind it in the partitions waited.
/// </summary>
public sealed class DeadLetterSink(GatewayMqttClient connection, IGrainFactory grains) : IDeadLetterSink, IDisposable
{
    /// <summary>The store key of dead letters whose topic names no enterprise.</summary>
    public const string Unrouted = "unrouted";

    /// <summary>
    /// Dead-letter publishes awaiting their PUBACK at most. MQTTnet does not hold back for the
    /// broker's receive maximum, and mosquitto disconnects a client that exceeds it: the shipped
    /// configuration allows 1,000 (<c>deploy/mosquitto/outputmonitor.conf</c>), mosquitto's default 20.
    /// </summary>
    public const int MaxInFlight = 256;

    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);

    public async Task PublishAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        var addressed = deadLetters.Select(d => (DeadLetter: d, Address: TelemetryTopics.TryParse(d.Topic, out var a, out _) ? a : null)).ToList();
        await Task.WhenAll(addressed.Select(d => PublishOneAsync(d.DeadLetter, d.Address, cancellationToken)));
        foreach (var group in addressed.GroupBy(d => d.Address?.Enterprise ?? Unrouted, d => d.DeadLetter))
        {
            await grains.GetGrain<IDeadLetterGrain>(group.Key).AddAsync([.. group]);
        }
    }

    public void Dispose() => _inFlight.Dispose();

    private async Task PublishOneAsync(DeadLetter deadLetter, TopicAddress? address, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(TelemetryTopics.DeadLetterTopic(address))
            .WithPayload(DeadLetterJson.Serialize(deadLetter))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await _inFlight.WaitAsync(cancellationToken);
        try
        {
            await connection.Client.PublishAsync(message, cancellationToken);
        }
        finally
        {
            _inFlight.Release();
        }
    }
}
