using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Operations;

/// <summary>
/// /readyz of a web node in cluster mode (Redis membership, a silo of its own): Redis is reported
/// while it answers, and readiness fails within seconds once it does not. Redis is stopped with
/// SIGSTOP (it holds its connections and answers nothing, as a hung or partitioned server does)
/// and resumed before the hosts stop: a silo whose Redis is gone takes minutes to shut down.
/// </summary>
public sealed class RedisReadinessTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private ProductHosts _silo = null!;
    private WebApplicationFactory<OutputMonitor.Web.Hubs.MonitorHub> _web = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _silo = await ProductHosts.StartSiloAsync(TestRegistry.Small(), new()
        {
            ["Orleans:Clustering"] = "redis",
            ["Redis:ConnectionString"] = _redis.ConnectionString,
        });
        var clusterId = _silo.Silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OutputMonitor.Silo.OrleansHostOptions>>().Value.ClusterId;
        _web = new WebApplicationFactory<OutputMonitor.Web.Hubs.MonitorHub>().WithWebHostBuilder(web => web
            .UseSetting("Orleans:Clustering", "redis")
            .UseSetting("Orleans:ClusterId", clusterId)
            .UseSetting("Redis:ConnectionString", _redis.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        await SignalRedisAsync("CONT");
        await _web.DisposeAsync();
        await _silo.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>Sends a signal to the test's redis-server, found by its port (it retitles itself "redis-server 127.0.0.1:{port}").</summary>
    private async Task SignalRedisAsync(string signal)
    {
        var title = $"redis-server 127.0.0.1:{_redis.Port.ToString(CultureInfo.InvariantCulture)}";
        var processes = Process.GetProcesses();
        try
        {
            var redis = Assert.Single(processes, p => p.ProcessName == title);
            using var kill = Process.Start("kill", [$"-{signal}", redis.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Report)> ReadyAsync(HttpClient http)
    {
        var response = await http.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    [Fact]
    public async Task Ready_while_redis_answers_503_with_redisReachable_false_within_seconds_once_it_stops_and_ready_again_after()
    {
        var http = _web.CreateClient();
        var (status, report) = await ReadyAsync(http);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(report.GetProperty("clusterJoined").GetBoolean());
        Assert.True(report.GetProperty("redisReachable").GetBoolean());
        Assert.True(report.GetProperty("ready").GetBoolean());
        Assert.False(report.TryGetProperty("brokerConnected", out _), "a web node alone runs no gateway");

        await SignalRedisAsync("STOP");
        var clock = Stopwatch.StartNew();
        (status, report) = await ReadyAsync(http);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.False(report.GetProperty("redisReachable").GetBoolean());
        Assert.False(report.GetProperty("ready").GetBoolean());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));

        await SignalRedisAsync("CONT");
        (status, report) = await ReadyAsync(http);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(report.GetProperty("redisReachable").GetBoolean());
    }
}

/// <summary>/readyz of the one-command start: no Redis, so none reported.</summary>
public sealed class LocalReadinessTests(TestWebApp host) : IClassFixture<TestWebApp>
{
    [Fact]
    public async Task Without_redis_clustering_redis_is_not_reported()
    {
        var response = await host.CreateClient().GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(json.RootElement.TryGetProperty("redisReachable", out _));
        Assert.True(json.RootElement.GetProperty("clusterJoined").GetBoolean());
    }
}
