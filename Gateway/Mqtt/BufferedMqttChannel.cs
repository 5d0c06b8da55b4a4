using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Channel;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// An MQTT channel that reads ahead and writes behind. MQTTnet reads each packet in pieces (the
/// fixed header, the length, the body), and on a plain socket each piece is a <c>recv</c> call: with
/// single-reading messages, three calls a message, a fifth of the gateway's CPU. Here one read takes
/// in whatever the socket holds (many packets under load), and the pieces are served from memory.
/// MQTTnet also sends each packet alone, one <c>send</c> per acknowledgement; here a write is queued
/// and returns, and one send takes every packet queued meanwhile (the gateway acknowledges a batch
/// at once). A failed send closes the connection, and the next write throws, so MQTTnet reconnects;
/// unacknowledged messages come again and are deduplicated.
/// </summary>
internal sealed class BufferedMqttChannel(IMqttChannel inner, int bufferSize = BufferedMqttChannel.DefaultBufferSize) : IMqttChannel
{
    public const int DefaultBufferSize = 64 * 1024;

    /// <summary>Bytes queued for sending beyond which a write waits for the send in progress.</summary>
    public const int MaxQueuedBytes = 1024 * 1024;

    private readonly byte[] _buffer = new byte[bufferSize];
    private readonly Lock _writeLock = new();
    private int _start;
    private int _end;
    private ArrayBufferWriter<byte> _queued = new();
    private ArrayBufferWriter<byte> _sending = new();
    private Task? _flushing;
    private Exception? _writeFailure;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => inner.IsSecureConnection;

    // MQTTnet makes a new adapter, and so a new channel, for every connection: nothing to reset here.
    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        // What is queued (the DISCONNECT packet last) goes out before the connection closes.
        if (CurrentFlush() is { } flushing)
        {
            await flushing.WaitAsync(cancellationToken);
        }

        await inner.DisconnectAsync(cancellationToken);
    }

    public Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (_end > _start)
        {
            return Task.FromResult(CopyBuffered(buffer, offset, count));
        }

        // Nothing held: a read as large as the buffer goes straight to the caller, with no copy.
        return count >= _buffer.Length ? inner.ReadAsync(buffer, offset, count, cancellationToken) : FillAndCopyAsync(buffer, offset, count, cancellationToken);
    }

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            if (_writeFailure is { } failure)
            {
                return Task.FromException(failure);
            }

            foreach (var segment in buffer)
            {
                _queued.Write(segment.Span);
            }

            _flushing ??= FlushAsync();

            // A peer that does not read would otherwise let the queue grow without end.
            return _queued.WrittenCount > MaxQueuedBytes ? _flushing : Task.CompletedTask;
        }
    }

    public void Dispose() => inner.Dispose();

    private Task? CurrentFlush()
    {
        lock (_writeLock)
        {
            return _flushing;
        }
    }

    /// <summary>Sends what is queued until nothing is; the writers of the moment queue first.</summary>
    private async Task FlushAsync()
    {
        await Task.Yield();
        while (true)
        {
            lock (_writeLock)
            {
                if (_queued.WrittenCount == 0)
                {
                    _flushing = null;
                    return;
                }

                (_queued, _sending) = (_sending, _queued);
            }

            try
            {
                await inner.WriteAsync(new ReadOnlySequence<byte>(_sending.WrittenMemory), true, CancellationToken.None);
                _sending.ResetWrittenCount();
            }
            catch (Exception ex)
            {
                lock (_writeLock)
                {
                    _writeFailure = ex;
                    _flushing = null;
                }

                inner.Dispose();
                return;
            }
        }
    }

    private async Task<int> FillAndCopyAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var read = await inner.ReadAsync(_buffer, 0, _buffer.Length, cancellationToken);
        if (read <= 0)
        {
            // The connection closed: MQTTnet reads 0 as that.
            return read;
        }

        _start = 0;
        _end = read;
        return CopyBuffered(buffer, offset, count);
    }

    private int CopyBuffered(byte[] buffer, int offset, int count)
    {
        var taken = Math.Min(count, _end - _start);
        Buffer.BlockCopy(_buffer, _start, buffer, offset, taken);
        _start += taken;
        return taken;
    }
}

/// <summary>
/// MQTTnet's client adapters, with TCP connections read through a <see cref="BufferedMqttChannel"/>
/// (other transports as MQTTnet makes them). Built as MQTTnet's own factory builds an adapter: the
/// packet formatter with the options' writer buffer sizes, fragmentation as configured.
/// </summary>
internal sealed class BufferedClientAdapterFactory : IMqttClientAdapterFactory
{
    /// <summary>An MQTTnet client on this factory's connections.</summary>
    public static IMqttClient CreateClient() => new MqttClientFactory().CreateMqttClient(new BufferedClientAdapterFactory());

    /// <summary>
    /// The socket buffers of a TCP connection at least (the kernel caps them at net.core.rmem_max).
    /// MQTTnet sets both from <see cref="MqttClientTcpOptions.BufferSize"/>, 8 KB by default, which
    /// also turns off Linux's receive autotuning. With 8 KB, a gateway taking 8 KB messages on
    /// loopback stalled for good: the broker held 3 MB for it, its own queue was empty, and the
    /// window it offered stayed below one segment (loopback's are 64 KB).
    /// </summary>
    public const int SocketBufferSize = 1024 * 1024;

    private readonly MqttClientAdapterFactory _default = new();

    public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChannelOptions is not MqttClientTcpOptions tcp)
        {
            return _default.CreateClientAdapter(options, packetInspector, logger);
        }

        tcp.BufferSize = Math.Max(tcp.BufferSize, SocketBufferSize);

        var formatter = new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
        return new MqttChannelAdapter(new BufferedMqttChannel(new MqttTcpChannel(options)), formatter, logger)
        {
            AllowPacketFragmentation = options.AllowPacketFragmentation,
            PacketInspector = packetInspector,
        };
    }
}
