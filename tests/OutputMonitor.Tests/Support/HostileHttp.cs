using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OutputMonitor.Tests.Support;

/// <summary>Hostile requests to a part's own HTTP port (<c>Health:Port</c>, <c>Metrics:Port</c>).</summary>
public static class HostileHttp
{
    /// <summary>
    /// Garbage, an oversized path, a large body and a half-sent request: each gets an error status or
    /// a closed connection, never a crash (the caller checks the port still answers).
    /// </summary>
    /// <param name="largePost">What a POST of 1 MB to <paramref name="path"/> gets.</param>
    public static async Task SendAsync(int port, string path, HttpStatusCode largePost)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var longPath = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/{new string('a', 70_000)}"));
        Assert.True((int)longPath.StatusCode >= 400, $"a 70 KB path: {(int)longPath.StatusCode}");

        using var body = new ByteArrayContent(new byte[1_000_000]);
        var posted = await http.PostAsync(new Uri($"http://127.0.0.1:{port}{path}"), body);
        Assert.Equal(largePost, posted.StatusCode);

        foreach (var raw in new[] { "\0\x01garbage\r\n\r\n", $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999\r\n\r\nshort", $"GET {path} HTTP/1.1\r\nHost:" })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(raw));
            tcp.Client.Shutdown(SocketShutdown.Send);
            var answer = new byte[4096];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            int read;
            try
            {
                read = await stream.ReadAsync(answer, deadline.Token);
            }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                // Closed with a reset: Kestrel drops a connection whose request it will not read to the end.
                read = 0;
            }

            var text = Encoding.ASCII.GetString(answer, 0, read);
            Assert.True(read == 0 || text.StartsWith("HTTP/1.1 4", StringComparison.Ordinal) || text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), $"answer to a malformed request: {text}");
        }
    }
}
