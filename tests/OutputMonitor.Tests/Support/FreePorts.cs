using System.Net;
using System.Net.Sockets;

namespace OutputMonitor.Tests.Support;

/// <summary>
/// Loopback ports for the servers the tests start. Taken below the kernel's ephemeral range, in a
/// sequence: a port the kernel hands out for "any free port" can be taken again, between the test
/// choosing it and the server binding it, by any outgoing connection (a Redis client, an HTTP call),
/// and ports below that range never are.
/// </summary>
public static class FreePorts
{
    private const int Lowest = 10_000;
    private static readonly int EphemeralStart = ReadEphemeralStart();
    private static int _next = Lowest + Random.Shared.Next(0, Math.Max(1, EphemeralStart - Lowest - 1_000));

    /// <summary>A port nothing listens on now, and that no outgoing connection will be given.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < EphemeralStart - Lowest; attempt++)
        {
            var port = Lowest + ((Interlocked.Increment(ref _next) - Lowest) % (EphemeralStart - Lowest));
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use (another run, a server still closing): the next one.
            }
        }

        throw new InvalidOperationException($"no free loopback port between {Lowest} and {EphemeralStart}");
    }

    private static int ReadEphemeralStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var start) && start > Lowest + 2_000
            ? start
            : 32_768;
    }
}
