using System.Collections.Concurrent;
using OutputMonitor.Gateway.Mqtt;

namespace OutputMonitor.Tests.Gateway;

/// <summary>
/// A session's acknowledgements leave in the order its messages came (MQTT 4.6), whatever order the
/// partitions finish them in; a message given up or whose acknowledgement fails holds none back.
/// </summary>
public sealed class AcknowledgementOrderTests
{
    private readonly AcknowledgementOrder _order = new();
    private readonly ConcurrentQueue<int> _sent = new();

    [Fact]
    public async Task Acknowledgements_leave_in_arrival_order_whatever_order_messages_finish_in()
    {
        var tickets = Enumerable.Range(1, 4).Select(Ticket).ToArray();

        var third = tickets[2].AcknowledgeAsync(CancellationToken.None);
        Assert.Empty(_sent);
        Assert.False(third.IsCompleted);

        await tickets[0].AcknowledgeAsync(CancellationToken.None);
        Assert.Equal([1], _sent);

        var fourth = tickets[3].AcknowledgeAsync(CancellationToken.None);
        Assert.Equal([1], _sent);

        await tickets[1].AcknowledgeAsync(CancellationToken.None);
        await Task.WhenAll(third, fourth);
        Assert.Equal([1, 2, 3, 4], _sent);
        Assert.Equal(0, _order.Count);
    }

    [Fact]
    public async Task A_message_given_up_is_never_acknowledged_and_holds_no_later_one_back()
    {
        var tickets = Enumerable.Range(1, 3).Select(Ticket).ToArray();
        var third = tickets[2].AcknowledgeAsync(CancellationToken.None);

        tickets[0].Abandon();
        await tickets[1].AcknowledgeAsync(CancellationToken.None);
        await third;

        Assert.Equal([2, 3], _sent);
    }

    [Fact]
    public async Task A_failed_acknowledgement_fails_its_own_message_alone()
    {
        var failing = _order.Add(_ => Task.FromException(new InvalidOperationException("connection gone")));
        var next = Ticket(2);

        var after = next.AcknowledgeAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.AcknowledgeAsync(CancellationToken.None));
        await after;

        Assert.Equal("connection gone", error.Message);
        Assert.Equal([2], _sent);
    }

    [Fact]
    public async Task Acknowledgements_finished_from_many_threads_still_leave_in_order()
    {
        var tickets = Enumerable.Range(1, 2000).Select(Ticket).ToArray();

        // Eight "partitions", each finishing every eighth message, in reverse.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(p => Task.Run(() => Task.WhenAll(
            tickets.Where((_, i) => i % 8 == p).Reverse().Select(t => t.AcknowledgeAsync(CancellationToken.None))))));

        Assert.Equal(Enumerable.Range(1, 2000), _sent);
    }

    private AcknowledgementOrder.Ticket Ticket(int id) => _order.Add(async _ =>
    {
        // A send that completes later, as one over a socket may.
        await Task.Yield();
        _sent.Enqueue(id);
    });
}
