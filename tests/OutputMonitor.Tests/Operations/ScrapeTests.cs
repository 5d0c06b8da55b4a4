using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Scopes;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Telemetry;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Operations;

/// <summary>
/// The Prometheus scrape endpoints. OpenTelemetry listens to meters by name, in the whole process,
/// so these tests run alone (no other test's host counts into the figures they read).
/// </summary>
[CollectionDefinition(nameof(ScrapeCollection), DisableParallelization = true)]
public sealed class ScrapeCollection;

/// <summary>Reads the Prometheus text format.</summary>
public static class PrometheusText
{
    /// <summary>The value of the series of <paramref name="metric"/> whose labels include <paramref name="label"/> (e.g. <c>kind="production"</c>); null when absent.</summary>
    public static double? Value(string text, string metric, string? label = null)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' '))
            {
                continue;
            }

            var labelsEnd = line[metric.Length] == '{' ? line.IndexOf('}', StringComparison.Ordinal) : metric.Length - 1;
            if (label is not null && !line[..(labelsEnd + 1)].Contains(label, StringComparison.Ordinal))
            {
                continue;
            }

            return double.Parse(line[(labelsEnd + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
        }

        return null;
    }
}

[Collection(nameof(ScrapeCollection))]
public sealed class WebScrapeTests(TestWebApp host) : IClassFixture<TestWebApp>
{
    private readonly HttpClient _http = host.CreateClient();

    [Fact]
    public async Task Metrics_shows_the_products_instruments_orleans_and_aspnetcore_in_the_prometheus_format()
    {
        var status = host.Services.GetRequiredService<GatewayStatus>();
        await Eventually.HoldsAsync(() => status.BrokerConnected, TimeSpan.FromSeconds(30), "the co-hosted gateway connects");
        await using var hub = host.CreateHubConnection();
        var pushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonElement>("snapshot", snapshot =>
        {
            if (snapshot.GetProperty("today").GetProperty("good").GetInt64() == 3)
            {
                pushed.TrySetResult();
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("Subscribe", "line:ent-2/p1");

        var now = DateTimeOffset.UtcNow;
        await host.Grains.GetLineGrain("ent-2", "p1").IngestAsync([Reading.Output("a", now, 1), Reading.Output("b", now, 1), Reading.Output("c", now, 1)]);
        await host.Grains.GetLineGrain("ent-2", "p1").IngestAsync([Reading.Output("a", now, 1)]);
        await host.Grains.GetLineGrain("ent-1", "s1").IngestAsync([Reading.Shipment("t1", now, 4m), Reading.Shipment("t2", now, 5m)]);
        await pushed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Rollups.FlushAllAsync(host.Grains);

        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
        var response = await _http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(3, PrometheusText.Value(text, "om_readings_accepted_total", "kind=\"production\""));
        Assert.Equal(2, PrometheusText.Value(text, "om_readings_accepted_total", "kind=\"shipment\""));
        Assert.Equal(1, PrometheusText.Value(text, "om_readings_duplicates_total", "kind=\"production\""));
        Assert.Null(PrometheusText.Value(text, "om_readings_duplicates_total", "kind=\"shipment\""));
        Assert.True(PrometheusText.Value(text, "om_snapshots_sent_total", "scope_kind=\"line\"") >= 1);
        Assert.True(PrometheusText.Value(text, "om_rollup_pushes_total", "scope_kind=\"line\"") >= 1);
        Assert.Equal(1, PrometheusText.Value(text, "om_gateway_connected"));
        Assert.True(PrometheusText.Value(text, "orleans_catalog_activations") > 0, "Orleans' own meter: activations");
        Assert.Contains("\norleans_grains{", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }
}

[Collection(nameof(ScrapeCollection))]
public sealed class ListenerScrapeTests
{
    /// <summary>A silo alone, started as Silo/Program.cs starts it.</summary>
    private static async Task<IHost> StartSiloAsync(string registryFile, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:Path"] = registryFile,
            ["Orleans:SiloPort"] = MosquittoBroker.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = MosquittoBroker.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = $"test-{Guid.NewGuid():N}",
        });
        builder.Configuration.AddInMemoryCollection(QuietAlertRules.Settings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddOutputMonitorSilo();
        builder.AddOutputMonitorTelemetry("outputmonitor-silo").WithScrapeListener(builder.Configuration);
        var silo = builder.Build();
        try
        {
            await silo.StartAsync();
        }
        catch
        {
            silo.Dispose();
            throw;
        }

        return silo;
    }

    [Fact]
    public async Task A_silo_alone_serves_its_metrics_on_the_loopback_listener_of_Metrics_Port()
    {
        var registry = Path.Combine(Path.GetTempPath(), $"om-registry-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(registry, OutputMonitor.Registry.RegistryJson.Serialize(TestRegistry.Small()));
        var port = MosquittoBroker.FreePort();
        var silo = await StartSiloAsync(registry, new() { ["Metrics:Port"] = port.ToString(CultureInfo.InvariantCulture) });
        try
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            await grains.GetLineGrain("ent-3", "p1").IngestAsync([Reading.Output("x", DateTimeOffset.UtcNow, 9), Reading.Output("y", DateTimeOffset.UtcNow, 9)]);

            using var http = new HttpClient();
            var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");

            Assert.Equal(2, PrometheusText.Value(text, "om_readings_accepted_total", "kind=\"production\""));
            Assert.True(PrometheusText.Value(text, "orleans_catalog_activations") > 0);
            Assert.Equal("127.0.0.1", silo.Services.GetRequiredService<IOptions<MetricsListenerOptions>>().Value.BindAddress);

            // Only /metrics is there; hostile requests get errors, and the scrape still answers after them.
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{port}/../etc/passwd")).StatusCode);
            await HostileHttp.SendAsync(port, "/metrics", HttpStatusCode.MethodNotAllowed);
            Assert.Contains("om_readings_accepted_total", await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"), StringComparison.Ordinal);
        }
        finally
        {
            await ProductHosts.StopQuietlyAsync(silo);
            File.Delete(registry);
        }
    }

    [Fact]
    public async Task A_bind_address_that_is_not_an_ip_address_stops_the_start()
    {
        var registry = Path.Combine(Path.GetTempPath(), $"om-registry-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(registry, OutputMonitor.Registry.RegistryJson.Serialize(TestRegistry.Small()));
        try
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartSiloAsync(registry, new() { ["Metrics:BindAddress"] = "everywhere" }));
            Assert.Contains("Metrics:BindAddress", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(registry);
        }
    }
}
