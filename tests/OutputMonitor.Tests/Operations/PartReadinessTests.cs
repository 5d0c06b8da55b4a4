using System.Net;
using System.Text.Json;
using OutputMonitor.Tests.Cluster;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Operations;

/// <summary>
/// A silo and a gateway running as their own processes serve <c>/healthz</c> and <c>/readyz</c> on
/// <c>Health:Port</c>, with the web node's report: the gateway's tells whether its broker is
/// connected, and turns 503 while the broker is down.
/// </summary>
public sealed class PartReadinessTests : IAsyncLifetime
{
    private FaultCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FaultCluster.StartAsync(silos: 1);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>
    /// Garbage, an oversized path, a large body and a half-sent request: each gets an error status or
    /// a closed connection from the listener, never a crash (the caller checks it still answers).
    /// </summary>
    private async Task SendHostileRequestsAsync(int port)
    {
        var longPath = await _cluster.Http.GetAsync(new Uri($"http://127.0.0.1:{port}/{new string('a', 70_000)}"));
        Assert.True((int)longPath.StatusCode >= 400, $"a 70 KB path: {(int)longPath.StatusCode}");

        using var body = new ByteArrayContent(new byte[1_000_000]);
        var posted = await _cluster.Http.PostAsync(new Uri($"http://127.0.0.1:{port}/readyz"), body);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, posted.StatusCode);

        foreach (var raw in new[] { "\0\x01garbage\r\n\r\n", "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999\r\n\r\nshort", "GET /readyz HTTP/1.1\r\nHost:" })
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(raw));
            tcp.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            var answer = new byte[4096];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await stream.ReadAsync(answer, deadline.Token);
            var text = System.Text.Encoding.ASCII.GetString(answer, 0, read);
            Assert.True(read == 0 || text.StartsWith("HTTP/1.1 4", StringComparison.Ordinal) || text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), $"answer to a malformed request: {text}");
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(int port, string path, HttpMethod? method = null)
    {
        using var response = await _cluster.Http.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Get, $"http://127.0.0.1:{port}{path}"));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    [Fact]
    public async Task Silo_and_gateway_report_their_parts_and_the_gateway_is_unready_while_its_broker_is_down()
    {
        var (status, silo) = await GetAsync(_cluster.SiloHealthPort(0), "/readyz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(silo.GetProperty("clusterJoined").GetBoolean());
        Assert.True(silo.GetProperty("redisReachable").GetBoolean());
        Assert.False(silo.TryGetProperty("brokerConnected", out _), "a silo alone runs no gateway");

        (status, var gateway) = await GetAsync(_cluster.GatewayHealthPort, "/readyz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(gateway.GetProperty("clusterJoined").GetBoolean());
        Assert.True(gateway.GetProperty("brokerConnected").GetBoolean());
        Assert.True(gateway.GetProperty("ready").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_cluster.GatewayHealthPort, "/healthz")).Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await GetAsync(_cluster.GatewayHealthPort, "/readyz", HttpMethod.Post)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(_cluster.SiloHealthPort(0), "/../etc/passwd")).Status);

        await SendHostileRequestsAsync(_cluster.GatewayHealthPort);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_cluster.GatewayHealthPort, "/healthz")).Status);

        _cluster.Broker.Stop();
        await Eventually.HoldsAsync(
            async () =>
            {
                (status, gateway) = await GetAsync(_cluster.GatewayHealthPort, "/readyz");
                return status == HttpStatusCode.ServiceUnavailable && !gateway.GetProperty("brokerConnected").GetBoolean();
            },
            TimeSpan.FromSeconds(30),
            () => $"the gateway reports its broker down (last: {(int)status} {gateway})");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_cluster.GatewayHealthPort, "/healthz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_cluster.SiloHealthPort(0), "/readyz")).Status);

        await _cluster.Broker.StartAgainAsync();
        await Eventually.HoldsAsync(
            async () => (await GetAsync(_cluster.GatewayHealthPort, "/readyz")).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            () => "the gateway is ready again once its broker is back");
    }
}
