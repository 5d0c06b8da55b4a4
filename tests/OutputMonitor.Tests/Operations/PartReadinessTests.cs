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

        await HostileHttp.SendAsync(_cluster.GatewayHealthPort, "/readyz", HttpStatusCode.MethodNotAllowed);
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
