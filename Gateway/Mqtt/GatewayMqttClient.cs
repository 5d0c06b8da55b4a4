using MQTTnet;
using MQTTnet.Protocol;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// The gateway's one MQTT connection: received on by the ingestion service, published on for dead
/// letters. Its TCP reads are buffered (<see cref="BufferedMqttChannel"/>): it takes every message.
/// </summary>
public sealed class GatewayMqttClient : IDisposable
{
    public IMqttClient Client { get; } = BufferedClientAdapterFactory.CreateClient();

    public void Dispose() => Client.Dispose();
}

/// <summary>Dead letters to <c>om/v1/deadletter/…</c> (QoS 1) and to the newest-kept store per enterprise.</summary>
public sealed class DeadLetterSink(GatewayMqttClient connection, IGrainFactory grains) : IDeadLetterSink
{
    /// <summary>The store key of dead letters whose topic names no enterprise.</summary>
    public const string Unrouted = "unrouted";

    public async Task PublishAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        foreach (var deadLetter in deadLetters)
        {
            var address = TelemetryTopics.TryParse(deadLetter.Topic, out var parsed, out _) ? parsed : null;
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(TelemetryTopics.DeadLetterTopic(address))
                .WithPayload(DeadLetterJson.Serialize(deadLetter))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await connection.Client.PublishAsync(message, cancellationToken);
        }

        foreach (var group in deadLetters.GroupBy(d => TelemetryTopics.TryParse(d.Topic, out var a, out _) ? a!.Enterprise : Unrouted))
        {
            await grains.GetGrain<IDeadLetterGrain>(group.Key).AddAsync([.. group]);
        }
    }
}
