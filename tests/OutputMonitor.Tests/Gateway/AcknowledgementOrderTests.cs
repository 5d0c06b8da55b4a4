using System.Collections.Concurrent;
using OutputMonitor.Gateway.Mqtt;

namespace OutputMonitor.Tests.Gateway;

/// <summary>
/// A session's acknowledgements leave in the order its messages came (MQTT 4.6), whatever order the
/// partitions finish their batches in; a message given up, or whose acknowledgement fails, holds none back.
/// </summary>
public sealed class AcknowledgementOrderTests
{
    private readonly AcknowledgementOrder _order = new();
    private readonly ConcurrentQueue<int> _sent = new();

    [Fact]
    public async Task Acknowledgements_leave_in_arrival_order_whatever_order_batches_finish_in()
    {
        var tickets = Enumerable.Range(1, 6).Select(Ticket).ToArray();

        var third = _order.AcknowledgeAsync([tickets[2], tickets[4]]);
        Assert.Empty(_sent);
        Assert.False(third.IsCompleted);

        await _order.AcknowledgeAsync([tickets[0]]);
        Assert.Equal([1], _sent);

        var fourth = _order.AcknowledgeAsync([tickets[3], tickets[5]]);
        Assert.Equal([1], _sent);

        Assert.Empty(await _order.AcknowledgeAsync([tickets[1]]));
        Assert.Empty(await third);
        Assert.Empty(await fourth);
        Assert.Equal([1, 2, 3, 4, 5, 6], _sent);
        Assert.Equal(0, _order.Count);
    }

    [Fact]
    public async Task A_message_given_up_is_never_acknowledged_and_holds_no_later_one_back()
    {
        var tickets = Enumerable.Range(1, 3).Select(Ticket).ToArray();
        var later = _order.AcknowledgeAsync([tickets[1], tickets[2]]);
        Assert.False(later.IsCompleted);

        _order.Abandon(tickets[0]);
        await later;

        Assert.Equal([2, 3], _sent);
    }

    [Fact]
    public async Task A_failed_acknowledgement_is_reported_for_its_own_message_alone()
    {
        var failing = _order.Add(_ => Task.FromException(new InvalidOperationException("connection gone")));
        var next = Ticket(2);

        var failed = await _order.AcknowledgeAsync([failing, next]);

        var (ticket, error) = Assert.Single(failed);
        Assert.Same(failing, ticket);
        Assert.Equal("connection gone", error.Message);
        Assert.Equal([2], _sent);
    }

    [Fact]
    public async Task Batches_finished_from_many_threads_still_leave_in_order()
    {
        var tickets = Enumerable.Range(1, 2000).Select(Ticket).ToArray();

        // Eight "partitions", each with every eighth message, in batches of ten, the last batch first.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(p => Task.Run(() => Task.WhenAll(
            tickets.Where((_, i) => i % 8 == p).Chunk(10).Reverse().Select(batch => _order.AcknowledgeAsync(batch))))));

        Assert.Equal(Enumerable.Range(1, 2000), _sent);
    }

    private AcknowledgementOrder.Ticket Ticket(int id) => _order.Add(async _ =>
    {
        // A send that completes later, as one over a socket may.
        await Task.Yield();
        _sent.Enqueue(id);
    });
}
