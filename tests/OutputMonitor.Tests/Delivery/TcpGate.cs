using System.Net;
using System.Net.Sockets;

namespace OutputMonitor.Tests.Delivery;

/// <summary>
/// A TCP relay on 127.0.0.1 and a free port in front of a broker. Closed, it cuts every connection
/// at once (to a client the broker is down); open, it relays; <see cref="Cut"/> drops the relayed
/// connections (a lost connection). The test's own subscriber connects to the broker directly.
/// </summary>
public sealed class TcpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _relayed = [];
    private readonly Task _accepting;
    private volatile bool _open;

    public TcpGate(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public void Open() => _open = true;

    /// <summary>Drops every relayed connection; new ones are relayed while the gate is open.</summary>
    public void Cut()
    {
        lock (_relayed)
        {
            foreach (var client in _relayed)
            {
                client.Dispose();
            }

            _relayed.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_open)
            {
                _ = RelayAsync(inbound);
            }
            else
            {
                inbound.Dispose();
            }
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        lock (_relayed)
        {
            _relayed.Add(inbound);
            _relayed.Add(outbound);
        }

        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            await Task.WhenAny(CopyAsync(inbound, outbound), CopyAsync(outbound, inbound));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // Cut or stopped.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    private async Task CopyAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // One side went away: the relay ends.
        }
    }
}
