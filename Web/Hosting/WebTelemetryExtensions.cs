using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OutputMonitor.Silo.Telemetry;

namespace OutputMonitor.Web.Hosting;

/// <summary>The web node's telemetry: everything every host has, ASP.NET Core's meters and spans, and <c>GET /metrics</c>.</summary>
public static class WebTelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddOutputMonitorWebTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddOutputMonitorTelemetry("outputmonitor-web")
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter())
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(options =>
                options.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.Ordinal)));
        return builder;
    }

    /// <summary>The Prometheus scrape endpoint (text exposition format).</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPrometheusScrapingEndpoint(MetricsPath);
        return routes;
    }
}
