using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OutputMonitor.Diagnostics;
using OutputMonitor.Registry;
using OutputMonitor.Silo.Alerts;
using OutputMonitor.Silo.Storage;

namespace OutputMonitor.Silo;

public static class SiloHostingExtensions
{
    /// <summary>
    /// Adds the Orleans silo with the OutputMonitor grains: localhost clustering and in-memory state
    /// by default; Redis membership and Redis grain storage (one shared connection) when
    /// <c>Orleans:Clustering</c> is <c>redis</c>. Options are validated at start, the registry file too.
    /// </summary>
    public static IHostApplicationBuilder AddOutputMonitorSilo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOutputMonitorGrainServices();
        var options = builder.Configuration.GetSection(OrleansHostOptions.Section).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        // AddOrleans, not UseOrleans: the latter also reads the "Orleans" configuration section as Orleans provider
        // settings, where the contract's Orleans:Clustering=redis means something else.
        builder.Services.AddOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });

            if (options.UsesRedis)
            {
                silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<OrleansHostOptions>>((endpoints, host) => UseEndpoints(endpoints, host.Value));
                silo.UseRedisClustering(_ => { });
                silo.Services.AddOptions<RedisClusteringOptions>().Configure<RedisConnection>((redis, connection) => connection.Apply(redis));
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }

            silo.AddOutputMonitorStorage(options.UsesRedis);

            // Trace context through grain calls (spans only where a tracer samples them).
            silo.AddActivityPropagation();
        });

        return builder;
    }

    /// <summary>Where this silo listens and what it advertises (validated with the options: a bad address fails the start).</summary>
    private static void UseEndpoints(EndpointOptions endpoints, OrleansHostOptions host)
    {
        var advertised = host.ParseAdvertisedAddress();
        endpoints.AdvertisedIPAddress = advertised;
        endpoints.SiloPort = host.SiloPort;
        endpoints.GatewayPort = host.GatewayPort;
        if (host.ListenOnAnyAddress)
        {
            var any = advertised.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? System.Net.IPAddress.IPv6Any : System.Net.IPAddress.Any;
            endpoints.SiloListeningEndpoint = new System.Net.IPEndPoint(any, host.SiloPort);
            endpoints.GatewayListeningEndpoint = new System.Net.IPEndPoint(any, host.GatewayPort);
        }
    }

    /// <summary>
    /// The options (validated at start), the product clock and the shared Redis connection the grains
    /// use, and alert delivery (MQTT, webhooks): every silo and the test cluster have it.
    /// </summary>
    public static IServiceCollection AddOutputMonitorGrainServices(this IServiceCollection services)
    {
        services.AddOutputMonitorClusterSettings();
        services.AddMonitorMetrics();
        services.AddOptions<RollupOptions>().BindConfiguration(RollupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertRuleOptions>().BindConfiguration(AlertRuleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryFileValidator>());
        services.TryAddKeyedSingleton(MonitorServices.ClockKey, TimeProvider.System);
        services.AddOutputMonitorAlertDelivery();
        return services;
    }

    /// <summary>
    /// The grain storage and the reminder table (the alert rules' timers that survive deactivation
    /// and restarts): in this process (the one-silo start), or Redis through the shared connection. Both use Orleans' own
    /// binary format with the [Id]/[Alias] contracts of the state classes, not JSON with CLR type
    /// names that break on a rename (and cannot key dictionaries by scope).
    /// </summary>
    public static ISiloBuilder AddOutputMonitorStorage(this ISiloBuilder silo, bool redis)
    {
        if (redis)
        {
            silo.AddRedisGrainStorage(MonitorServices.StorageName);
            silo.Services.AddOptions<Orleans.Persistence.RedisStorageOptions>(MonitorServices.StorageName).Configure<RedisConnection>((storage, connection) =>
            {
                storage.ConfigurationOptions = connection.Configuration;
                storage.CreateMultiplexer = async _ => (await connection.GetAsync(), true);

                // Expired dedupe chunks are cleared: remove their keys, not leave empty records behind.
                storage.DeleteStateOnClear = true;
            });
            UseOrleansSerializer<Orleans.Persistence.RedisStorageOptions>(silo);
            silo.UseRedisReminderService(_ => { });
            silo.Services.AddOptions<RedisReminderTableOptions>().Configure<RedisConnection>((reminders, connection) =>
            {
                reminders.ConfigurationOptions = connection.Configuration;
                reminders.CreateMultiplexer = async _ => (await connection.GetAsync(), true);
            });
        }
        else
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(MonitorServices.StorageName, (services, _) =>
                new InProcessGrainStorage(new PooledGrainStorageSerializer(services.GetRequiredService<Serializer>())));
            silo.UseInMemoryReminderService();
        }

        // Alerts:EvaluateInterval may be shorter than Orleans' minimum of a minute (drills, tests). Only
        // then is the minimum lowered: Orleans warns at every start of a silo that allows shorter reminders.
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<AlertRuleOptions>>((reminders, alerts) =>
            reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(reminders.MinimumReminderPeriod.Ticks, alerts.Value.EvaluateInterval.Ticks)));

        return silo;
    }

    private static void UseOrleansSerializer<TOptions>(ISiloBuilder silo)
        where TOptions : class, IStorageProviderSerializerOptions =>
        silo.Services.AddOptions<TOptions>(MonitorServices.StorageName).Configure<Serializer>((storage, serializer) =>
            storage.GrainStorageSerializer = new PooledGrainStorageSerializer(serializer));

    /// <summary>Refuses to start with a registry file that is missing or invalid, naming the fields.</summary>
    private sealed class RegistryFileValidator : IValidateOptions<RegistryOptions>
    {
        public ValidateOptionsResult Validate(string? name, RegistryOptions options) =>
            RegistryJson.Check(options.Path) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
