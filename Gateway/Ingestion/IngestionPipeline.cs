using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using DeadLetter = OutputMonitor.Telemetry.DeadLetter;

namespace OutputMonitor.Gateway.Ingestion;

/// <summary>
/// Parse → validate → batch per line → one grain call per line → acknowledge. Messages are spread
/// over ordered partitions by line, so a line's messages are taken in order; each partition takes
/// what is waiting at once, so a busy line costs one grain call per batch, not per message. A
/// message is acknowledged only after its readings are counted (durably) or dead-lettered.
/// </summary>
internal sealed partial class IngestionPipeline(
    IGrainFactory grains,
    TelemetryParser parser,
    IDeadLetterSink deadLetters,
    RegistryCache registry,
    GatewayStatus status,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<IngestionPipeline> logger) : IDisposable
{
    private readonly GatewayOptions _options = options.Value;
    private readonly CancellationTokenSource _abort = new();
    private Channel<InboundMessage>[] _partitions = [];
    private Task[] _workers = [];

    public void Dispose() => _abort.Dispose();

    public void Start()
    {
        _partitions = [.. Enumerable.Range(0, _options.Partitions).Select(_ => Channel.CreateBounded<InboundMessage>(
            new BoundedChannelOptions(_options.PartitionCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))];
        _workers = [.. _partitions.Select(p => Task.Run(() => RunPartitionAsync(p.Reader)))];
    }

    /// <summary>Queues a message in its line's partition; waits while that partition is full.</summary>
    public ValueTask EnqueueAsync(InboundMessage message, CancellationToken cancellationToken) =>
        _partitions[PartitionOf(message.Topic)].Writer.WriteAsync(message, cancellationToken);

    /// <summary>Takes no more messages, finishes those queued (up to the timeout), then abandons the rest unacknowledged.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        foreach (var partition in _partitions)
        {
            partition.Writer.TryComplete();
        }

        try
        {
            await Task.WhenAll(_workers).WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(logger, timeout);
        }
        finally
        {
            await _abort.CancelAsync();
        }
    }

    /// <summary>The partition of the line a topic names: om/v1/{enterprise}/{line}/… (the rest of the topic does not count).</summary>
    internal int PartitionOf(string topic)
    {
        var end = topic.Length;
        var slashes = 0;
        for (var i = 0; i < topic.Length; i++)
        {
            if (topic[i] == '/' && ++slashes == 4)
            {
                end = i;
                break;
            }
        }

        return (int)((uint)string.GetHashCode(topic.AsSpan(0, end), StringComparison.Ordinal) % (uint)_partitions.Length);
    }

    private async Task RunPartitionAsync(ChannelReader<InboundMessage> reader)
    {
        var batch = new List<InboundMessage>(_options.MaxMessagesPerBatch);
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token))
            {
                batch.Clear();
                while (batch.Count < _options.MaxMessagesPerBatch && reader.TryRead(out var message))
                {
                    batch.Add(message);
                }

                await ProcessAsync(batch, _abort.Token);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stopping: what is left is not acknowledged, so the broker delivers it again.
        }
        catch (Exception ex)
        {
            LogPartitionFailed(logger, ex);
            throw;
        }
    }

    private async Task ProcessAsync(List<InboundMessage> batch, CancellationToken cancellationToken)
    {
        var rejected = new List<DeadLetter>();
        var lines = new Dictionary<(string Enterprise, string Line), LineWork>();
        var systemMessages = 0;
        foreach (var message in batch)
        {
            var parsed = parser.Parse(message.Topic, new ReadOnlySequence<byte>(message.Payload));
            if (parsed.IsSystemTopic)
            {
                // The system's own output (dead letters, alerts) coming back on om/v1/#.
                systemMessages++;
                continue;
            }

            foreach (var rejection in parsed.Rejections)
            {
                rejected.Add(DeadLetterJson.Create(parsed, rejection, message.ReceivedAt));
            }

            if (parsed.Address is not { } address || parsed.Readings.Count == 0)
            {
                continue;
            }

            if (!await registry.IsKnownLineAsync(address.Enterprise, address.Line))
            {
                rejected.Add(UnknownLine(message));
                continue;
            }

            var key = (address.Enterprise, address.Line);
            if (!lines.TryGetValue(key, out var work))
            {
                lines[key] = work = new LineWork();
            }

            work.Readings.AddRange(parsed.Readings);
            work.Messages.Add(message);
        }

        var results = await Task.WhenAll(lines.Select(line => IngestLineAsync(line.Key.Enterprise, line.Key.Line, line.Value, cancellationToken)));
        foreach (var unknown in results)
        {
            rejected.AddRange(unknown);
        }

        if (rejected.Count > 0)
        {
            await RetryAsync(() => deadLetters.PublishAsync(rejected, cancellationToken), cancellationToken);
            foreach (var deadLetter in rejected)
            {
                status.AddDeadLetter(deadLetter.Code);
            }
        }

        // All at once: awaiting each acknowledgement's send in turn held the partition for one send per message.
        await Task.WhenAll(batch.Select(message => AcknowledgeAsync(message, cancellationToken)));
        status.AddMessages(batch.Count - systemMessages);
    }

    private async Task AcknowledgeAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await message.AcknowledgeAsync(cancellationToken);
            status.MessageAcknowledged(time.GetUtcNow() - message.ReceivedAt);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The connection went: the broker delivers the message again and dedupe keeps the count exact.
            status.MessageAbandoned();
            LogAckFailed(logger, message.Topic, ex.Message);
        }
    }

    /// <summary>Counts one line's readings in order, in calls of at most MaxReadingsPerCall; dead letters if the line is unknown to its grain.</summary>
    private async Task<List<DeadLetter>> IngestLineAsync(string enterprise, string line, LineWork work, CancellationToken cancellationToken)
    {
        var grain = grains.GetLineGrain(enterprise, line);
        var readings = work.Readings;
        for (var offset = 0; offset < readings.Count; offset += _options.MaxReadingsPerCall)
        {
            // Mostly one call takes them all: no copy then.
            var chunk = readings.Count <= _options.MaxReadingsPerCall ? readings : readings.GetRange(offset, Math.Min(_options.MaxReadingsPerCall, readings.Count - offset));
            var result = await RetryAsync(() => grain.IngestAsync(chunk), cancellationToken);
            if (result.UnknownLine)
            {
                // Removed from the registry since the gateway's copy was read.
                return [.. work.Messages.Select(UnknownLine)];
            }

            status.AddIngest(result.Accepted, result.Duplicates);
        }

        return [];
    }

    /// <summary>Retries until the call succeeds or the gateway stops: an unacknowledged message is never given up.</summary>
    private async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                status.AddRetry();
                LogRetry(logger, delay, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    private Task<bool> RetryAsync(Func<Task> call, CancellationToken cancellationToken) =>
        RetryAsync(async () =>
        {
            await call();
            return true;
        }, cancellationToken);

    private static DeadLetter UnknownLine(InboundMessage message)
    {
        var reason = TelemetryTopics.TryParse(message.Topic, out var address, out _)
            ? $"line '{address!.Enterprise}/{address.Line}' is not in the registry"
            : "the line is not in the registry";
        var payload = Utf8Payload.Excerpt(new ReadOnlySequence<byte>(message.Payload), TelemetryParser.MaxDeadLetterPayloadChars);
        return new DeadLetter(RejectionCodes.UnknownLine, reason, message.Topic, null, payload, message.ReceivedAt);
    }

    private sealed class LineWork
    {
        public List<Reading> Readings { get; } = [];

        public List<InboundMessage> Messages { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call failed; retrying in {Delay}: {Error}")]
    private static partial void LogRetry(ILogger logger, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acknowledging a message on {Topic} failed; the broker will deliver it again: {Error}")]
    private static partial void LogAckFailed(ILogger logger, string topic, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining the gateway took longer than {Timeout}; the rest is left unacknowledged for redelivery")]
    private static partial void LogDrainTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Critical, Message = "An ingestion partition stopped")]
    private static partial void LogPartitionFailed(ILogger logger, Exception error);
}
