using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutputMonitor.Scopes;

namespace OutputMonitor.Silo.Health;

/// <summary>Whether this process's MQTT client is connected to the broker; registered where a gateway runs.</summary>
public interface IBrokerConnectionStatus
{
    bool BrokerConnected { get; }
}

/// <param name="BrokerConnected">Null where this process runs no gateway.</param>
/// <param name="RedisReachable">Null unless <c>Orleans:Clustering</c> is <c>redis</c>.</param>
public sealed record ReadinessReport(bool ClusterJoined, bool? BrokerConnected, bool? RedisReachable)
{
    public bool Ready => ClusterJoined && BrokerConnected != false && RedisReachable != false;
}

/// <summary>
/// The readiness every host reports, web node or not: the cluster answers a grain call; where this
/// process ingests, its broker connection is up; with Redis clustering, Redis answers a PING.
/// </summary>
public sealed class ReadinessProbe(IServiceProvider services, IOptions<OrleansHostOptions> orleans)
{
    /// <summary>How long readiness waits for the cluster to answer.</summary>
    public static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long readiness waits for Redis to answer a PING.</summary>
    public static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        // Both at once: the answer takes the longer of the two timeouts at most, not their sum.
        var cluster = ClusterAnswersAsync(services.GetRequiredService<IGrainFactory>(), cancellationToken);
        var redis = orleans.Value.UsesRedis
            ? RedisAnswersAsync(services.GetRequiredService<RedisConnection>(), cancellationToken)
            : Task.FromResult<bool?>(null);
        var broker = services.GetService<IBrokerConnectionStatus>();
        return new ReadinessReport(await cluster, broker?.BrokerConnected, await redis);
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
}
