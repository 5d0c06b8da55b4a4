using OutputMonitor.Gateway.Mqtt;

namespace OutputMonitor.Gateway.Ingestion;

/// <summary>One MQTT message on its way through the pipeline; acknowledged only once it is counted or dead-lettered.</summary>
internal sealed record InboundMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAt, AcknowledgementOrder.Ticket Acknowledgement);

/// <summary>Where rejected input goes: the broker's dead-letter topics and the newest-kept store.</summary>
public interface IDeadLetterSink
{
    Task PublishAsync(IReadOnlyList<OutputMonitor.Telemetry.DeadLetter> deadLetters, CancellationToken cancellationToken);
}
