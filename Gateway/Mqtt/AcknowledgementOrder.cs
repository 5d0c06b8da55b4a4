namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// Sends a session's acknowledgements in the order its messages arrived, as MQTT asks of a receiver
/// (3.1.1 and 5.0, section 4.6: PUBACKs in the order of the PUBLISH packets). The partitions finish
/// out of order; an acknowledgement waits here until every earlier message is acknowledged or given
/// up. Brokers look an acknowledged message up in their in-flight list from its oldest entry
/// (mosquitto 2.0 walks the list): in order, that is the first entry; out of order, with thousands in
/// flight, it cost mosquitto more than the message itself.
/// </summary>
internal sealed class AcknowledgementOrder
{
    private readonly Queue<Ticket> _waiting = new();
    private bool _sending;

    /// <summary>Takes the next message's place in line (call in arrival order).</summary>
    public Ticket Add(Func<CancellationToken, Task> acknowledge)
    {
        var ticket = new Ticket(this, acknowledge);
        lock (_waiting)
        {
            _waiting.Enqueue(ticket);
        }

        return ticket;
    }

    /// <summary>Messages awaiting their acknowledgement's turn or sending.</summary>
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

    private Task Ready(Ticket ticket, bool acknowledge)
    {
        lock (_waiting)
        {
            ticket.Acknowledge = acknowledge;
            ticket.IsReady = true;
            if (_sending)
            {
                return ticket.Sent.Task;
            }

            _sending = true;
        }

        _ = SendReadyAsync();
        return ticket.Sent.Task;
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
                if (!ticket.Acknowledge)
                {
                    ticket.Sent.TrySetResult();
                    continue;
                }

                try
                {
                    await ticket.Send(CancellationToken.None);
                    ticket.Sent.TrySetResult();
                }
                catch (Exception ex)
                {
                    ticket.Sent.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>One message's place in line.</summary>
    internal sealed class Ticket(AcknowledgementOrder order, Func<CancellationToken, Task> send)
    {
        internal Func<CancellationToken, Task> Send { get; } = send;

        internal TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal bool IsReady { get; set; }

        internal bool Acknowledge { get; set; }

        /// <summary>Acknowledges the message once every earlier one is; completes when it is sent.</summary>
        public Task AcknowledgeAsync(CancellationToken cancellationToken) => order.Ready(this, acknowledge: true).WaitAsync(cancellationToken);

        /// <summary>Leaves the message unacknowledged (the broker delivers it again) and lets the later ones go.</summary>
        public void Abandon() => order.Ready(this, acknowledge: false);
    }
}
