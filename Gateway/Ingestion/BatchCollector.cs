using System.Threading.Channels;

namespace OutputMonitor.Gateway.Ingestion;

/// <summary>
/// Takes a partition's next batch: what is waiting, then, with a linger, what arrives in the next
/// moments, so that a line's messages of those moments share one line call. A line call and its
/// state write cost the silo about 22 µs, each reading in it about 3 more; with single-reading messages over many
/// lines, a batch without a linger held about one message a line. It stops waiting when the oldest
/// message has waited the linger; when the batch is full, in messages or in bytes (batched payloads
/// fill calls without waiting); or after a tick (a tenth of the linger) in which nothing arrived: at a
/// low rate nothing more is coming, and when the broker's window is full nothing more can come until
/// this batch is acknowledged.
/// </summary>
internal sealed class BatchCollector(int maxMessages, int lingerBytes, TimeSpan linger, TimeProvider time)
{
    /// <summary>About the smallest a reading is in a payload: a batch this many times the readings a call takes fills calls as it is.</summary>
    public const int BytesPerReading = 64;

    /// <summary>How long the collector waits for more before it looks again; a tick with nothing new ends the wait.</summary>
    public TimeSpan Tick { get; } = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, linger.Ticks / 10));

    /// <summary>Adds to <paramref name="batch"/> (empty) what <paramref name="reader"/> holds and, lingering, what comes next.</summary>
    public async Task CollectAsync(ChannelReader<InboundMessage> reader, List<InboundMessage> batch, CancellationToken cancellationToken)
    {
        Take(reader, batch);
        if (linger <= TimeSpan.Zero || batch.Count == 0)
        {
            return;
        }

        var oldest = batch[0].ReceivedAt;
        var bytes = 0L;
        foreach (var message in batch)
        {
            bytes += message.Payload.Length;
        }

        while (batch.Count < maxMessages && bytes < lingerBytes)
        {
            var left = oldest + linger - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(left < Tick ? left : Tick, time, cancellationToken);
            var before = batch.Count;
            Take(reader, batch);
            if (batch.Count == before)
            {
                return;
            }

            for (var i = before; i < batch.Count; i++)
            {
                bytes += batch[i].Payload.Length;
            }
        }
    }

    private void Take(ChannelReader<InboundMessage> reader, List<InboundMessage> batch)
    {
        while (batch.Count < maxMessages && reader.TryRead(out var message))
        {
            batch.Add(message);
        }
    }
}
