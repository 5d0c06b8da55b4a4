using System.Threading.Channels;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Tests.Delivery;

namespace OutputMonitor.Tests.Gateway;

/// <summary>
/// A partition's batch lingers while messages keep coming, up to the linger from its oldest message,
/// and not at all when it is full, when nothing came in the last tick, or when its oldest message
/// already waited. On a fake clock: each test advances exactly the tick the collector waits for.
/// </summary>
public sealed class BatchCollectorTests
{
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly TimerWatchingClock _clock = new();
    private readonly AcknowledgementOrder _acknowledgements = new();
    private readonly Channel<InboundMessage> _partition = Channel.CreateUnbounded<InboundMessage>();
    private int _next;

    [Fact]
    public async Task While_messages_keep_coming_the_batch_waits_until_its_oldest_has_waited_the_linger()
    {
        var collector = new BatchCollector(512, 1 << 20, Linger, _clock);
        Assert.Equal(Tick, collector.Tick);
        Write(2);
        var batch = new List<InboundMessage>();
        var collecting = collector.CollectAsync(_partition.Reader, batch, CancellationToken.None);

        for (var tick = 1; tick <= 10; tick++)
        {
            await _clock.WaitForTimerAsync(Tick);
            Assert.False(collecting.IsCompleted, $"done after {tick - 1} ticks");
            Write(3);
            _clock.Advance(Tick);
        }

        await collecting.WaitAsync(WebhookReceiver.Timeout);
        Assert.Equal(Enumerable.Range(0, 32).Select(Id), batch.Select(m => m.Topic));
    }

    [Fact]
    public async Task A_tick_in_which_nothing_came_ends_the_wait()
    {
        var collector = new BatchCollector(512, 1 << 20, Linger, _clock);
        Write(1);
        var batch = new List<InboundMessage>();
        var collecting = collector.CollectAsync(_partition.Reader, batch, CancellationToken.None);

        await _clock.WaitForTimerAsync(Tick);
        _clock.Advance(Tick);

        await collecting.WaitAsync(WebhookReceiver.Timeout);
        Assert.Single(batch);
    }

    [Fact]
    public void A_batch_full_in_messages_or_in_bytes_or_without_a_linger_goes_at_once()
    {
        var batch = new List<InboundMessage>();
        Write(6);
        Assert.True(new BatchCollector(4, 1 << 20, Linger, _clock).CollectAsync(_partition.Reader, batch, CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(4, batch.Count);

        batch.Clear();
        Assert.True(new BatchCollector(512, 1 << 20, TimeSpan.Zero, _clock).CollectAsync(_partition.Reader, batch, CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(2, batch.Count);

        batch.Clear();
        Write(2, payloadBytes: 600);
        Assert.True(new BatchCollector(512, 1000, Linger, _clock).CollectAsync(_partition.Reader, batch, CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void A_batch_whose_oldest_message_already_waited_the_linger_goes_at_once()
    {
        var collector = new BatchCollector(512, 1 << 20, Linger, _clock);
        Write(1);
        _clock.Advance(Linger);
        Write(1);

        var batch = new List<InboundMessage>();
        Assert.True(collector.CollectAsync(_partition.Reader, batch, CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public async Task A_stopping_gateway_ends_the_wait()
    {
        var collector = new BatchCollector(512, 1 << 20, Linger, _clock);
        Write(1);
        using var stop = new CancellationTokenSource();
        var collecting = collector.CollectAsync(_partition.Reader, [], stop.Token);

        await _clock.WaitForTimerAsync(Tick);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collecting.WaitAsync(WebhookReceiver.Timeout));
    }

    private static string Id(int index) => $"m-{index}";

    private void Write(int count, int payloadBytes = 100)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(_partition.Writer.TryWrite(new InboundMessage(Id(_next++), new byte[payloadBytes], _clock.GetUtcNow(), _acknowledgements.Add(_ => Task.CompletedTask))));
        }
    }
}
