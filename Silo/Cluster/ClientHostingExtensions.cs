using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Clustering.Redis;
using Orleans.Configuration;

namespace OutputMonitor.Silo;

public static class ClientHostingExtensions
{
    /// <summary>
    /// The Orleans client of a gateway or web node running apart from the silos: localhost clustering
    /// (the silo's gateway port on this machine) or Redis membership, as <c>Orleans:Clustering</c> says.
    /// </summary>
    public static IHostApplicationBuilder AddOutputMonitorClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOutputMonitorClusterSettings();
        var options = builder.Configuration.GetSection(OrleansHostOptions.Section).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        // AddOrleansClient, not UseOrleansClient: see AddOutputMonitorSilo.
        builder.Services.AddOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            client.UseConnectionRetryFilter<ConnectRetryFilter>();
            client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = options.ClientResponseTimeout);
            if (options.UsesRedis)
            {
                client.UseRedisClustering(_ => { });
                client.Services.AddOptions<RedisClusteringOptions>().Configure<RedisConnection>((redis, connection) => connection.Apply(redis));
            }
            else
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
            }

            client.AddActivityPropagation();
        });
        return builder;
    }

    /// <summary>The cluster settings (validated at start) and the shared Redis connection.</summary>
    public static IServiceCollection AddOutputMonitorClusterSettings(this IServiceCollection services)
    {
        services.AddOptions<OrleansHostOptions>().BindConfiguration(OrleansHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMembershipOptions();
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section);
        services.TryAddSingleton<RedisConnection>();
        return services;
    }
}
