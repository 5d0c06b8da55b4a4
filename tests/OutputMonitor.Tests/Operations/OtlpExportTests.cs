using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OutputMonitor.Scopes;
using OutputMonitor.Silo.Telemetry;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Operations;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, spans (ASP.NET Core, Orleans) and metrics go to the collector over OTLP.</summary>
public sealed class OtlpExportTests(TestWebApp app) : IClassFixture<TestWebApp>
{
    [Fact]
    public async Task Spans_and_metrics_reach_an_otlp_collector_when_one_is_configured()
    {
        await using var collector = new FakeCollector();
        using var host = app.WithWebHostBuilder(web => web
            .UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Endpoint)
            .UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        var http = host.CreateClient();
        var grains = (IGrainFactory)host.Services.GetRequiredService(typeof(IGrainFactory));
        await grains.GetLineGrain("ent-1", "p1").IngestAsync([Reading.Output("otlp-1", DateTimeOffset.UtcNow, 3)]);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/snapshot/line:ent-1/p1")).StatusCode);

        // The server span ends after the response has reached the client: flush until it is out.
        var tracer = host.Services.GetRequiredService<TracerProvider>();
        await Eventually.HoldsAsync(
            () => tracer.ForceFlush(10_000) && collector.Bodies("/v1/traces").Any(body => body.Contains("Microsoft.AspNetCore", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the request's span is exported");
        Assert.Contains(collector.Bodies("/v1/traces"), body => body.Contains("Microsoft.Orleans.Application", StringComparison.Ordinal));

        // The periodic OTLP reader exports now; the result is false all the same, as the Prometheus
        // reader beside it (pull: it answers scrapes) cannot be flushed.
        host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
        Assert.Contains(collector.Bodies("/v1/metrics"), body => body.Contains("om.readings.accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_collector_no_orleans_span_is_made_and_no_trace_context_is_sent()
    {
        // Resolving it builds the tracer provider, whose listener would be the one for these sources.
        Assert.NotNull(app.Services.GetRequiredService<TracerProvider>());
        var grains = (IGrainFactory)app.Services.GetRequiredService(typeof(IGrainFactory));
        await grains.GetLineGrain("ent-1", "p1").IngestAsync([Reading.Output("no-otlp-1", DateTimeOffset.UtcNow, 1)]);

        // Unheard, the sources make no Activity, so Orleans' propagation sends no traceparent with each call.
        foreach (var name in TelemetryHostingExtensions.OrleansActivitySources)
        {
            using var source = new ActivitySource(name);
            Assert.False(source.HasListeners(), $"something listens to {name}");
            Assert.Null(source.StartActivity("probe"));
        }
    }

    /// <summary>An OTLP/HTTP receiver on loopback that keeps what it is sent (protobuf: names are plain UTF-8 inside).</summary>
    private sealed class FakeCollector : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, string Body)> _received = new();
        private readonly Task _serving;

        public FakeCollector()
        {
            var port = MosquittoBroker.FreePort();
            Endpoint = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _serving = ServeAsync();
        }

        public string Endpoint { get; }

        public IReadOnlyList<string> Paths() => [.. _received.Select(r => r.Path)];

        public IReadOnlyList<string> Bodies(string path) => [.. _received.Where(r => r.Path == path).Select(r => r.Body)];

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _received.Enqueue((context.Request.Url!.AbsolutePath, Encoding.UTF8.GetString(body.ToArray())));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _serving;
        }
    }
}
