using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Scopes;

namespace OutputMonitor.Web.Api;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" }))
            .WithName("Liveness").WithTags("Health").WithSummary("The process is up.");
        routes.MapGet("/readyz", ReadinessAsync)
            .WithName("Readiness").WithTags("Health").WithSummary("The cluster answers and, where this node ingests, the broker is connected.");
        return routes;
    }

    private static async Task<Results<Ok<ReadinessReport>, JsonHttpResult<ReadinessReport>>> ReadinessAsync(IGrainFactory grains, IServiceProvider services, CancellationToken cancellationToken)
    {
        bool cluster;
        try
        {
            await grains.GetRegistryGrain().GetVersionAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            cluster = true;
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
        {
            cluster = false;
        }

        var gateway = services.GetService<GatewayStatus>();
        var report = new ReadinessReport(cluster, gateway?.BrokerConnected);
        return report.Ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    public sealed record ReadinessReport(bool ClusterJoined, bool? BrokerConnected)
    {
        public bool Ready => ClusterJoined && BrokerConnected != false;
    }
}
