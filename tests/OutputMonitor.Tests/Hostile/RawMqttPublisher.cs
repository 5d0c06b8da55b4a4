using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OutputMonitor.Tests.Hostile;

/// <summary>
/// Publishes one QoS 1 message per connection with hand-built MQTT 3.1.1 packets, so that topics a
/// client library refuses to send (wildcards, NUL, invalid UTF-8) reach the broker, and the broker's
/// own answer decides: a PUBACK is accepted, a closed connection is refused.
/// </summary>
internal static class RawMqttPublisher
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    /// <returns>True when the broker acknowledged the message, false when it closed the connection instead.</returns>
    public static async Task<bool> PublishAsync(int port, byte[] topic, byte[] payload)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var clientId = Encoding.ASCII.GetBytes($"raw-{Guid.NewGuid():N}");
        await socket.SendAsync(Packet(0x10, [0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 60, .. LengthPrefixed(clientId)]));
        var connack = await ReadPacketAsync(socket);
        Assert.True(connack is [0x20, _, _, 0], "the broker accepts the raw client's CONNECT");

        await socket.SendAsync(Packet(0x32, [.. LengthPrefixed(topic), 0, 1, .. payload]));
        var answer = await ReadPacketAsync(socket);
        return answer is [0x40, 2, 0, 1];
    }

    private static byte[] LengthPrefixed(byte[] bytes) => [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];

    private static byte[] Packet(byte header, byte[] body)
    {
        var length = new List<byte>();
        var remaining = body.Length;
        do
        {
            var digit = (byte)(remaining % 128);
            remaining /= 128;
            length.Add(remaining > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remaining > 0);

        return [header, .. length, .. body];
    }

    /// <summary>The next packet (fixed header and body, at most a few bytes here), or empty when the broker closed the connection.</summary>
    private static async Task<byte[]> ReadPacketAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        var buffer = new byte[64];
        var read = 0;
        try
        {
            while (read < 2 || read < 2 + buffer[1])
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(read), timeout.Token);
                if (n == 0)
                {
                    return [];
                }

                read += n;
            }
        }
        catch (SocketException)
        {
            // Reset by the broker: refused.
            return [];
        }

        return buffer[..read];
    }
}
