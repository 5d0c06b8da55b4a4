using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using DeadLetter = OutputMonitor.Telemetry.DeadLetter;

namespace OutputMonitor.Gateway.Ingestion;

/// <summary>
/// Parse → validate → batch per line → one call per batch to the silo's ingest router, which calls
/// each line grain → acknowledge. Messages are spread over ordered partitions by line, so a line's
/// messages are taken in order; each partition takes what is waiting at once, so a busy line costs
/// one line call per batch, not per message, and a batch of many quiet lines one call from here; under
/// load a batch lingers a moment (<see cref="BatchCollector"/>) so that more of a line's messages share
/// its call. A message is acknowledged only after its readings are counted (durably) or dead-lettered.
/// </summary>
internal sealed partial class IngestionPipeline(
    IGrainFactory grains,
    TelemetryParser parser,
    IDeadLetterSink deadLetters,
    AcknowledgementOrder acknowledgements,
    RegistryCache registry,
    GatewayStatus status,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<IngestionPipeline> logger) : IDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly GatewayOptions _options = options.Value;
    private readonly BatchCollector _collector = new(
        options.Value.MaxMessagesPerBatch,
        options.Value.MaxReadingsPerCall * BatchCollector.BytesPerReading,
        options.Value.BatchLinger,
        time);
    private IIngestRouterGrain? _router;
    private readonly CancellationTokenSource _abort = new();
    private Channel<InboundMessage>[] _partitions = [];
    private Task[] _workers = [];

    public void Dispose() => _abort.Dispose();

    // Taken at the first call: a client knows the cluster's grain types once it has connected.
    private IIngestRouterGrain Router => _router ??= grains.GetIngestRouterGrain();

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
                await _collector.CollectAsync(reader, batch, _abort.Token);
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

        await IngestLinesAsync(lines, rejected, cancellationToken);

        if (rejected.Count > 0)
        {
            await RetryAsync(() => deadLetters.PublishAsync(rejected, cancellationToken), cancellationToken);
            foreach (var deadLetter in rejected)
            {
                status.AddDeadLetter(deadLetter.Code);
            }
        }

        await AcknowledgeAsync(batch, cancellationToken);
        status.AddMessages(batch.Count - systemMessages);
    }

    /// <summary>Acknowledges the batch (in arrival order with the other partitions' messages: <see cref="AcknowledgementOrder"/>).</summary>
    private async Task AcknowledgeAsync(List<InboundMessage> batch, CancellationToken cancellationToken)
    {
        var failed = await acknowledgements.AcknowledgeAsync([.. batch.Select(message => message.Acknowledgement)]).WaitAsync(cancellationToken);
        var errors = failed.Count == 0 ? null : failed.ToDictionary(f => f.Ticket, f => f.Error);
        var now = time.GetUtcNow();
        foreach (var message in batch)
        {
            if (errors?.GetValueOrDefault(message.Acknowledgement) is { } error)
            {
                // The connection went: the broker delivers the message again and dedupe keeps the count exact.
                status.MessageAbandoned();
                LogAckFailed(logger, message.Topic, error.Message);
            }
            else
            {
                status.MessageAcknowledged(now - message.ReceivedAt);
            }
        }
    }

    /// <summary>
    /// Counts every line's readings, each line's in order, in calls of at most MaxReadingsPerCall
    /// readings: a line's first chunk goes in the first wave of calls, its second in the next, and so
    /// on. A line its grain does not know (removed from the registry since the gateway's copy was
    /// read) has its messages dead-lettered.
    /// </summary>
    private async Task IngestLinesAsync(Dictionary<(string Enterprise, string Line), LineWork> lines, List<DeadLetter> rejected, CancellationToken cancellationToken)
    {
        var max = _options.MaxReadingsPerCall;
        var active = lines.ToList();
        for (var offset = 0; active.Count > 0; offset += max)
        {
            var calls = new List<List<LineCall>>();
            var call = new List<LineCall>();
            var readingsInCall = 0;
            foreach (var ((enterprise, line), work) in active)
            {
                var count = Math.Min(max, work.Readings.Count - offset);
                if (readingsInCall + count > max && call.Count > 0)
                {
                    calls.Add(call);
                    call = [];
                    readingsInCall = 0;
                }

                // Mostly one call takes a line's readings whole: no copy then.
                var readings = count == work.Readings.Count ? work.Readings : work.Readings.GetRange(offset, count);
                call.Add(new LineCall(work, new LineReadings(enterprise, line, readings)));
                readingsInCall += count;
            }

            calls.Add(call);
            foreach (var (work, result) in (await Task.WhenAll(calls.Select(c => RouteAsync(c, cancellationToken)))).SelectMany(done => done))
            {
                if (result.UnknownLine)
                {
                    work.Unknown = true;
                    rejected.AddRange(work.Messages.Select(UnknownLine));
                }
                else
                {
                    status.AddIngest(result.Accepted, result.Duplicates);
                }
            }

            active.RemoveAll(line => line.Value.Unknown || line.Value.Readings.Count <= offset + max);
        }
    }

    /// <summary>One call to the router; the lines that failed in it go again, alone, until each is counted or the gateway stops.</summary>
    private async Task<List<(LineWork Work, IngestResult Result)>> RouteAsync(List<LineCall> call, CancellationToken cancellationToken)
    {
        var done = new List<(LineWork, IngestResult)>(call.Count);
        var pending = call;
        var delay = FirstRetryDelay;
        while (true)
        {
            string error;
            try
            {
                var outcomes = await Router.IngestAsync([.. pending.Select(line => line.Readings)]);
                var failed = new List<LineCall>();
                error = string.Empty;
                for (var i = 0; i < pending.Count; i++)
                {
                    if (outcomes[i].Result is { } result)
                    {
                        done.Add((pending[i].Work, result));
                    }
                    else
                    {
                        failed.Add(pending[i]);
                        error = $"line '{pending[i].Readings.Enterprise}/{pending[i].Readings.Line}': {outcomes[i].Error}";
                    }
                }

                if (failed.Count == 0)
                {
                    return done;
                }

                pending = failed;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = ex.Message;
            }

            delay = await BackOffAsync(delay, error, cancellationToken);
        }
    }

    /// <summary>Retries until the call succeeds or the gateway stops: an unacknowledged message is never given up.</summary>
    private async Task RetryAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                delay = await BackOffAsync(delay, ex.Message, cancellationToken);
            }
        }
    }

    /// <summary>Counts and logs a retry, waits <paramref name="delay"/>, and returns the next (doubled, up to MaxRetryDelay).</summary>
    private async Task<TimeSpan> BackOffAsync(TimeSpan delay, string error, CancellationToken cancellationToken)
    {
        status.AddRetry();
        LogRetry(logger, delay, error);
        await Task.Delay(delay, time, cancellationToken);
        return TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
    }

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

        /// <summary>Its grain answered that it is not in the registry: its messages are dead letters.</summary>
        public bool Unknown { get; set; }
    }

    private sealed record LineCall(LineWork Work, LineReadings Readings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call failed; retrying in {Delay}: {Error}")]
    private static partial void LogRetry(ILogger logger, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acknowledging a message on {Topic} failed; the broker will deliver it again: {Error}")]
    private static partial void LogAckFailed(ILogger logger, string topic, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining the gateway took longer than {Timeout}; the rest is left unacknowledged for redelivery")]
    private static partial void LogDrainTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Critical, Message = "An ingestion partition stopped")]
    private static partial void LogPartitionFailed(ILogger logger, Exception error);
}
