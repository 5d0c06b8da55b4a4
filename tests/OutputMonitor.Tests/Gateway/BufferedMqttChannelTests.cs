using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Channel;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Gateway;

/// <summary>
/// The gateway's read-ahead, write-behind channel, over a real loopback TCP connection: MQTTnet's own
/// packet reader must get every packet whole and in order, however the bytes arrive and wherever a
/// packet crosses the end of the buffer, exactly as over the plain channel; and what it sends must
/// arrive whole and in order, before a disconnect, with a bounded queue and a failure that shows.
/// </summary>
public sealed class BufferedMqttChannelTests
{
    [Theory]
    [InlineData(16)] // far smaller than a packet: every packet crosses refills
    [InlineData(61)] // an odd size: packets end at every offset of the buffer
    [InlineData(BufferedMqttChannel.DefaultBufferSize)]
    public Task Packets_sent_in_one_write_are_read_whole_and_in_order(int bufferSize) =>
        AssertReadInOrderAsync(bufferSize, [.. Enumerable.Range(0, 300).Select(i => Publish($"om/v1/e/line-{i % 7}/output", $"{{\"id\":\"m{i}\",\"good\":{i}}}", (ushort)(i + 1)))]);

    [Fact]
    public async Task A_packet_sent_a_byte_at_a_time_is_read_whole()
    {
        var packet = Publish("om/v1/joincare/api-line-2/output", "{\"id\":\"slow\",\"good\":7}", 42);
        await using var connection = await Loopback.ConnectAsync(stream => new BufferedMqttChannel(Plain(stream), 32));

        var receive = connection.ReceiveAsync();
        foreach (var b in Encode(packet))
        {
            await connection.Server.WriteAsync(new[] { b });
            await connection.Server.FlushAsync();
        }

        AssertSame(packet, await receive);
    }

    [Fact]
    public Task A_payload_larger_than_the_buffer_is_read_whole_between_small_packets() =>
        AssertReadInOrderAsync(1024, [
            Publish("om/v1/a/b/state", "{\"state\":\"running\"}", 1),
            Publish("om/v1/hnic/boke-vessel/shipment", new string('x', 300 * 1024), 2),
            Publish("om/v1/a/b/state", "{\"state\":\"down\"}", 3)]);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Garbage_reads_as_it_does_over_the_plain_channel(int seed)
    {
        // Random bytes after a valid packet: whatever MQTTnet makes of them (a bad packet, a huge
        // length, a wait for more), the buffered channel must end the same way as the plain one.
        var garbage = new byte[4096];
        new Random(seed).NextBytes(garbage);
        var packet = Publish("om/v1/a/b/output", "{\"good\":1}", 9);
        var outcomes = new List<string>();
        foreach (var buffered in new[] { false, true })
        {
            await using var connection = await Loopback.ConnectAsync(stream => buffered ? new BufferedMqttChannel(Plain(stream), 64) : Plain(stream));
            await connection.Server.WriteAsync(Encode(packet).Concat(garbage).ToArray());
            connection.CloseServer();

            AssertSame(packet, await connection.ReceiveAsync());
            var rest = new List<string>();
            for (var outcome = await OutcomeAsync(connection.ReceiveAsync()); ; outcome = await OutcomeAsync(connection.ReceiveAsync()))
            {
                rest.Add(outcome);
                if (outcome != "packet" || rest.Count > 100)
                {
                    break;
                }
            }

            outcomes.Add(string.Join(",", rest));
        }

        Assert.Equal(outcomes[0], outcomes[1]);
    }

    [Fact]
    public async Task A_connection_closed_after_a_packet_reads_as_closed_as_over_the_plain_channel()
    {
        var packet = Publish("om/v1/a/b/output", "{\"good\":1}", 9);
        var outcomes = new List<string>();
        foreach (var buffered in new[] { false, true })
        {
            await using var connection = await Loopback.ConnectAsync(stream => buffered ? new BufferedMqttChannel(Plain(stream), 64) : Plain(stream));
            await connection.Server.WriteAsync(Encode(packet));
            connection.CloseServer();

            AssertSame(packet, await connection.ReceiveAsync());
            outcomes.Add(await OutcomeAsync(connection.ReceiveAsync()));
        }

        Assert.Equal(outcomes[0], outcomes[1]);
    }

    [Fact]
    public async Task A_packet_cut_off_by_a_closed_connection_is_not_delivered()
    {
        var bytes = Encode(Publish("om/v1/a/b/output", "{\"good\":1}", 9));
        await using var connection = await Loopback.ConnectAsync(stream => new BufferedMqttChannel(Plain(stream), 64));

        await connection.Server.WriteAsync(bytes.AsMemory(0, bytes.Length - 3));
        connection.CloseServer();

        Assert.NotEqual("packet", await OutcomeAsync(connection.ReceiveAsync()));
    }

    [Fact]
    public async Task Packets_sent_back_to_back_arrive_whole_and_in_order()
    {
        // As the gateway acknowledges a batch: every send started before any is awaited.
        await using var connection = await Loopback.ConnectAsync(stream => new BufferedMqttChannel(Plain(stream)));
        using var reader = new MqttChannelAdapter(Plain(connection.Server), Formatter(), MqttNetNullLogger.Instance);
        var acks = Enumerable.Range(1, 500).Select(i => new MqttPubAckPacket { PacketIdentifier = (ushort)i }).ToList();

        await Task.WhenAll(acks.Select(ack => connection.SendAsync(ack)));

        foreach (var ack in acks)
        {
            var received = Assert.IsType<MqttPubAckPacket>(await reader.ReceivePacketAsync(Timeout()));
            Assert.Equal(ack.PacketIdentifier, received.PacketIdentifier);
        }
    }

    [Fact]
    public async Task Disconnecting_sends_what_is_queued_first()
    {
        await using var connection = await Loopback.ConnectAsync(stream => new BufferedMqttChannel(Plain(stream)));
        var packet = Encode(Publish("om/v1/a/b/output", new string('x', 64 * 1024), 1));

        // The server does not read yet: the kernel's buffers fill, then more than a megabyte queues.
        long written = 0;
        Task? waiting = null;
        while (waiting is null)
        {
            var write = connection.Channel.WriteAsync(new ReadOnlySequence<byte>(packet), true, CancellationToken.None);
            written += packet.Length;
            if (!write.IsCompleted)
            {
                waiting = write;
            }
        }

        var disconnect = connection.Channel.DisconnectAsync(CancellationToken.None);
        var counting = new CountingStream();
        var received = connection.Server.CopyToAsync(counting).ContinueWith(_ => counting.Count, TaskScheduler.Default); // until the close
        await disconnect.WaitAsync(TimeSpan.FromSeconds(30));
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(written, await received.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Counts what is written to it.</summary>
    private sealed class CountingStream : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Writes_wait_once_a_peer_that_does_not_read_has_a_megabyte_queued()
    {
        await using var connection = await Loopback.ConnectAsync(stream => new BufferedMqttChannel(Plain(stream)));
        var packet = Encode(Publish("om/v1/a/b/output", new string('x', 64 * 1024), 1));
        Task? waiting = null;

        // The server never reads: the kernel's buffers fill, then the queue; a write must then wait
        // rather than let the queue grow (64 MiB is far beyond both).
        for (var written = 0; written < 64 * 1024 * 1024 && waiting is null; written += packet.Length)
        {
            var write = connection.Channel.WriteAsync(new ReadOnlySequence<byte>(packet), true, CancellationToken.None);
            if (!write.IsCompleted)
            {
                waiting = write;
            }
        }

        Assert.NotNull(waiting);
        Assert.False(waiting!.IsCompleted);
    }

    [Fact]
    public async Task After_the_peer_resets_the_connection_a_write_fails()
    {
        await using var connection = await Loopback.ConnectAsync(stream => new BufferedMqttChannel(Plain(stream)));
        var ack = Encode(new MqttPubAckPacket { PacketIdentifier = 1 });
        connection.ResetServer();

        await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    await connection.Channel.WriteAsync(new ReadOnlySequence<byte>(ack), true, CancellationToken.None);
                    return false;
                }
                catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
                {
                    return true;
                }
            },
            TimeSpan.FromSeconds(10),
            "a write to a reset connection to throw");
    }

    [Fact]
    public void The_factory_raises_the_socket_buffers_above_mqttnets_8_kb()
    {
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", 1883).WithProtocolVersion(MqttProtocolVersion.V500).Build();
        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        Assert.Equal(8192, tcp.BufferSize);

        using var adapter = new BufferedClientAdapterFactory().CreateClientAdapter(options, null!, MqttNetNullLogger.Instance);

        Assert.Equal(BufferedClientAdapterFactory.SocketBufferSize, tcp.BufferSize);
        Assert.IsType<MqttChannelAdapter>(adapter);
    }

    private static async Task AssertReadInOrderAsync(int bufferSize, IReadOnlyList<MqttPublishPacket> packets)
    {
        await using var connection = await Loopback.ConnectAsync(stream => new BufferedMqttChannel(Plain(stream), bufferSize));

        await connection.Server.WriteAsync(packets.SelectMany(Encode).ToArray());

        foreach (var expected in packets)
        {
            AssertSame(expected, await connection.ReceiveAsync());
        }
    }

    private static async Task<string> OutcomeAsync(Task<MqttPacket?> receive)
    {
        try
        {
            return await receive is null ? "null" : "packet";
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    private static MqttTcpChannel Plain(NetworkStream stream) =>
        new(stream, stream.Socket.LocalEndPoint!, stream.Socket.RemoteEndPoint!, null!);

    private static MqttPublishPacket Publish(string topic, string payload, ushort id) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)),
        QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        PacketIdentifier = id,
    };

    private static byte[] Encode(MqttPacket packet) => Formatter().Encode(packet).ToArray();

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static MqttPacketFormatterAdapter Formatter() => new(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 1024 * 1024));

    private static void AssertSame(MqttPublishPacket expected, MqttPacket? received)
    {
        var publish = Assert.IsType<MqttPublishPacket>(received);
        Assert.Equal(expected.Topic, publish.Topic);
        Assert.Equal(expected.PacketIdentifier, publish.PacketIdentifier);
        Assert.Equal(expected.Payload.ToArray(), publish.Payload.ToArray());
    }

    /// <summary>A loopback TCP connection: the server's stream to write raw bytes, and MQTTnet's packet reader on the client's channel.</summary>
    private sealed class Loopback(TcpListener listener, TcpClient client, TcpClient server, IMqttChannel channel, MqttChannelAdapter adapter) : IAsyncDisposable
    {
        public NetworkStream Server { get; } = server.GetStream();

        /// <summary>The client's channel under test.</summary>
        public IMqttChannel Channel => channel;

        public static async Task<Loopback> ConnectAsync(Func<NetworkStream, IMqttChannel> channel)
        {
            // Small kernel buffers, as fixed sizes (no autotuning up to 32 MiB on loopback): a peer
            // that does not read stops the client's sends after ~128 KiB, not after tens of megabytes.
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Server.ReceiveBufferSize = 64 * 1024;
            listener.Start();
            var client = new TcpClient { SendBufferSize = 64 * 1024 };
            var accept = listener.AcceptTcpClientAsync();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            var server = await accept;
            var clientChannel = channel(client.GetStream());
            return new Loopback(listener, client, server, clientChannel, new MqttChannelAdapter(clientChannel, Formatter(), MqttNetNullLogger.Instance));
        }

        public Task<MqttPacket?> ReceiveAsync() => adapter.ReceivePacketAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token)!;

        public Task SendAsync(MqttPacket packet) => adapter.SendPacketAsync(packet, CancellationToken.None);

        public Task DisconnectAsync() => adapter.DisconnectAsync(CancellationToken.None);

        public void CloseServer() => server.Client.Shutdown(SocketShutdown.Send);

        /// <summary>Closes the server's end with a reset (linger 0), as a crashed peer's kernel would.</summary>
        public void ResetServer()
        {
            server.Client.LingerState = new LingerOption(true, 0);
            server.Client.Close();
        }

        public ValueTask DisposeAsync()
        {
            adapter.Dispose();
            client.Dispose();
            server.Dispose();
            listener.Stop();
            return ValueTask.CompletedTask;
        }
    }
}
