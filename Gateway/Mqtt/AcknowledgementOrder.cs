namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// Sends the gateway session's acknowledgements in the order its messages arrived, as MQTT asks of a
/// receiver (3.1.1 and 5.0, section 4.6: PUBACKs in the order of the PUBLISH packets). The partitions
/// finish out of order; a batch's acknowledgements wait here until every earlier message is
/// acknowledged or given up. Brokers look an acknowledged message up in their in-flight list from its
/// oldest entry (mosquitto 2.0 walks the list): in order, that is the first entry; out of order, with
/// thousands in flight, the walk cost mosquitto a third more CPU per message.
/// </summary>
internal sealed class AcknowledgementOrder
{
    private static readonly IReadOnlyList<(Ticket, Exception)> NoFailures = [];

    private readonly Queue<Ticket> _waiting = new();
    private bool _sending;

    /// <summary>Messages waiting for their acknowledgement's turn or being acknowledged.</summary>
    public int Count
    {
        get
        {
            lock (_waiting)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Takes the next message's place in line (call in arrival order); <paramref name="send"/> sends its acknowledgement.</summary>
    public Ticket Add(Func<CancellationToken, Task> send)
    {
        var ticket = new Ticket(send);
        lock (_waiting)
        {
            _waiting.Enqueue(ticket);
        }

        return ticket;
    }

    /// <summary>
    /// Acknowledges these messages once every earlier one is. Completes when each acknowledgement is
    /// sent or failed, with the ones that failed (the connection went: the broker delivers them again).
    /// </summary>
    public Task<IReadOnlyList<(Ticket Ticket, Exception Error)>> AcknowledgeAsync(IReadOnlyList<Ticket> tickets)
    {
        if (tickets.Count == 0)
        {
            return Task.FromResult(NoFailures);
        }

        var batch = new Batch(tickets.Count);
        bool start;
        lock (_waiting)
        {
            foreach (var ticket in tickets)
            {
                ticket.Batch = batch;
                ticket.IsReady = true;
            }

            start = !_sending;
            _sending = true;
        }

        if (start)
        {
            _ = SendReadyAsync();
        }

        return batch.Done.Task;
    }

    /// <summary>Leaves a message unacknowledged (the broker delivers it again) and lets the later ones go.</summary>
    public void Abandon(Ticket ticket)
    {
        bool start;
        lock (_waiting)
        {
            ticket.IsReady = true;
            start = !_sending;
            _sending = true;
        }

        if (start)
        {
            _ = SendReadyAsync();
        }
    }

    /// <summary>One sender at a time, so that the order holds: it sends every ready acknowledgement at the head of the line.</summary>
    private async Task SendReadyAsync()
    {
        var ready = new List<Ticket>();
        while (true)
        {
            ready.Clear();
            lock (_waiting)
            {
                while (_waiting.TryPeek(out var head) && head.IsReady)
                {
                    ready.Add(_waiting.Dequeue());
                }

                if (ready.Count == 0)
                {
                    _sending = false;
                    return;
                }
            }

            foreach (var ticket in ready)
            {
                if (ticket.Batch is not { } batch)
                {
                    continue;
                }

                try
                {
                    await ticket.Send(CancellationToken.None);
                }
                catch (Exception ex)
                {
                    batch.Failed(ticket, ex);
                }

                batch.Sent();
            }
        }
    }

    /// <summary>One message's place in line.</summary>
    internal sealed class Ticket(Func<CancellationToken, Task> send)
    {
        internal Func<CancellationToken, Task> Send { get; } = send;

        internal bool IsReady { get; set; }

        /// <summary>The acknowledgement batch it went with; none: given up.</summary>
        internal Batch? Batch { get; set; }
    }

    /// <summary>The acknowledgements of one call to <see cref="AcknowledgeAsync"/>; touched only by the one sender.</summary>
    internal sealed class Batch(int count)
    {
        private int _left = count;
        private List<(Ticket, Exception)>? _failures;

        public TaskCompletionSource<IReadOnlyList<(Ticket Ticket, Exception Error)>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Failed(Ticket ticket, Exception error) => (_failures ??= []).Add((ticket, error));

        public void Sent()
        {
            if (--_left == 0)
            {
                Done.SetResult(_failures ?? NoFailures);
            }
        }
    }
}
