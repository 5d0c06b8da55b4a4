using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Scopes;
using OutputMonitor.Silo;

namespace OutputMonitor.Web.Api;

public static class HealthEndpoints
{
    /// <summary>How long readiness waits for the cluster to answer.</summary>
    public static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long readiness waits for Redis to answer a PING.</summary>
    public static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

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
        IGrainFactory grains, IServiceProvider services, IOptions<OrleansHostOptions> orleans, CancellationToken cancellationToken)
    {
        // Both at once: the answer takes the longer of the two timeouts at most, not their sum.
        var cluster = ClusterAnswersAsync(grains, cancellationToken);
        var redis = orleans.Value.UsesRedis
            ? RedisAnswersAsync(services.GetRequiredService<RedisConnection>(), cancellationToken)
            : Task.FromResult<bool?>(null);
        var gateway = services.GetService<GatewayStatus>();
        var report = new ReadinessReport(await cluster, gateway?.BrokerConnected, await redis);
        return report.Ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<bool> ClusterAnswersAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetRegistryGrain().GetVersionAsync().WaitAsync(ClusterTimeout, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<bool?> RedisAnswersAsync(RedisConnection redis, CancellationToken cancellationToken) =>
        await redis.IsReachableAsync(RedisTimeout, cancellationToken);

    /// <param name="BrokerConnected">Null where this node runs no gateway.</param>
    /// <param name="RedisReachable">Null unless <c>Orleans:Clustering</c> is <c>redis</c>.</param>
    public sealed record ReadinessReport(bool ClusterJoined, bool? BrokerConnected, bool? RedisReachable)
    {
        public bool Ready => ClusterJoined && BrokerConnected != false && RedisReachable != false;
    }
}
