using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Silo.Health;

namespace OutputMonitor.Web.Api;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" }))
            .WithName("Liveness").WithTags("Health").WithSummary("The process is up.");
        routes.MapGet("/readyz", ReadinessAsync)
            .WithName("Readiness").WithTags("Health")
            .WithSummary("The cluster answers; where this node ingests, the broker is connected; with Redis clustering, Redis answers a PING. 503 when any reported part is down.");
        return routes;
    }

    private static async Task<Results<Ok<ReadinessReport>, JsonHttpResult<ReadinessReport>>> ReadinessAsync(
        ReadinessProbe readiness, CancellationToken cancellationToken)
    {
        var report = await readiness.CheckAsync(cancellationToken);
        return report.Ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
