using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OutputMonitor.Diagnostics;
using OutputMonitor.Silo.Health;

namespace OutputMonitor.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for every host: the product's meter (<see cref="MonitorMetrics"/>) and Orleans'
/// own, the Orleans activity sources, default log levels; OTLP export of metrics, traces and logs when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The web node adds its <c>/metrics</c> endpoint; a
/// silo or gateway running alone adds <see cref="WithScrapeListener"/>.
/// </summary>
public static class TelemetryHostingExtensions
{
    /// <summary>The standard OpenTelemetry variable (environment or configuration) that turns OTLP export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Orleans' meter: activations (grain counts), messaging, membership, …</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Tag combinations kept per metric stream; more are folded into one overflow point.</summary>
    public const int MetricCardinalityLimit = 200;

    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Log levels every host starts from, below all of its configuration (which may set them otherwise).</summary>
    public static readonly IReadOnlyDictionary<string, string?> DefaultLogLevels = new Dictionary<string, string?>
    {
        // Orleans places each new activation through a Polly pipeline that logs two info lines a
        // placement: 20,000 lines as 10,000 lines' grains start. Its warnings still show.
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    /// <param name="serviceName">The default <c>service.name</c> (<c>OTEL_SERVICE_NAME</c> overrides it).</param>
    public static OpenTelemetryBuilder AddOutputMonitorTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLogLevels });
        builder.Services.AddMonitorMetrics();
        var exporting = IsOtlpConfigured(builder.Configuration);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(MonitorMetrics.MeterName, OrleansMeter)
                // Each stream pre-allocates a point per tag combination up to its limit (2,000 by
                // default): ~140 KB each, 35 MB for Orleans' ~240 streams. None here has more
                // than a few dozen combinations (codes, grain types, directions).
                .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricCardinalityLimit }))
            .WithTracing(tracing =>
            {
                // A grain call per batch is the hot path: no spans are made that nobody exports.
                // Not even dropped ones: for a root span, OpenTelemetry's "drop" still creates an
                // Activity to propagate (PropagationData), and Orleans then sends its traceparent
                // with every call (6 % of a gateway's CPU, 4 % of a silo's). Unheard, a source creates none.
                if (exporting)
                {
                    tracing.AddSource(OrleansActivitySources);
                }
                else
                {
                    tracing.SetSampler(new AlwaysOffSampler());
                }
            });
        if (exporting)
        {
            otel.UseOtlpExporter();
        }

        return otel;
    }

    public static bool IsOtlpConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

    /// <summary>
    /// For the hosts without Kestrel (a silo or gateway alone): a Prometheus scrape endpoint
    /// <c>http://{Metrics:BindAddress}:{Metrics:Port}/metrics</c> when <c>Metrics:Port</c> is set
    /// (loopback unless told otherwise). Off by default: several processes share one machine.
    /// </summary>
    public static OpenTelemetryBuilder WithScrapeListener(this OpenTelemetryBuilder otel, IConfiguration configuration)
    {
        otel.Services.AddOptions<MetricsListenerOptions>().BindConfiguration(MetricsListenerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        otel.Services.AddSingleton<IValidateOptions<MetricsListenerOptions>, MetricsListenerOptionsValidator>();
        var options = configuration.GetSection(MetricsListenerOptions.Section).Get<MetricsListenerOptions>() ?? new MetricsListenerOptions();
        if (options.Port > 0 && PartEndpointExtensions.BindAddress(options.BindAddress) is { } address)
        {
            otel.WithMetrics(metrics => metrics.AddPrometheusExporter());
            otel.Services.AddPartEndpoint(new PartEndpoint("Metrics", address, options.Port, MetricsListenerOptions.Path, (app, services) =>
            {
                app.UseOpenTelemetryPrometheusScrapingEndpoint(
                    services.GetRequiredService<MeterProvider>(), IsScrape, path: null, configureBranchedPipeline: null, optionsName: null);
                app.Run(context =>
                {
                    context.Response.StatusCode = context.Request.Path == MetricsListenerOptions.Path ? StatusCodes.Status405MethodNotAllowed : StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            }));
        }

        return otel;
    }

    // The exporter answers any method on its path: only a GET or HEAD is a scrape.
    private static bool IsScrape(HttpContext context) =>
        context.Request.Path == MetricsListenerOptions.Path && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));

    private sealed class MetricsListenerOptionsValidator : IValidateOptions<MetricsListenerOptions>
    {
        public ValidateOptionsResult Validate(string? name, MetricsListenerOptions options) =>
            PartEndpointExtensions.BindAddress(options.BindAddress) is null
                ? ValidateOptionsResult.Fail($"Metrics:BindAddress '{options.BindAddress}' is not an IP address")
                : ValidateOptionsResult.Success;
    }
}

/// <summary>The scrape listener of a silo or gateway running alone (configuration section <c>Metrics</c>).</summary>
public sealed class MetricsListenerOptions
{
    public const string Section = "Metrics";
    public const string Path = "/metrics";

    /// <summary>Where Prometheus scrapes this process; 0 (the default): no listener.</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>The address the listener binds: loopback unless an operator opens it (e.g. <c>0.0.0.0</c>).</summary>
    public string BindAddress { get; set; } = "127.0.0.1";
}
