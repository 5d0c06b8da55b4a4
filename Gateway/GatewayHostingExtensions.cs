using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutputMonitor.Diagnostics;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Health;

namespace OutputMonitor.Gateway;

public static class GatewayHostingExtensions
{
    /// <summary>
    /// MQTT ingestion into the line grains, and the embedded broker when <c>Mqtt:Host</c> is unset.
    /// Needs an <see cref="IGrainFactory"/>: a co-hosted silo or an Orleans client.
    /// </summary>
    public static IHostApplicationBuilder AddOutputMonitorGateway(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOutputMonitorMqttSettings();
        services.AddSingleton<IPostConfigureOptions<MqttOptions>, EmbeddedBrokerLogin>();
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMonitorMetrics();
        services.AddSingleton<GatewayStatus>();
        services.AddSingleton<IBrokerConnectionStatus>(provider => provider.GetRequiredService<GatewayStatus>());
        services.AddSingleton(sp => new TelemetryParser(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RegistryCache>();
        services.AddSingleton<IngestionPipeline>();
        services.AddSingleton<GatewayMqttClient>();
        services.AddSingleton<IDeadLetterSink, DeadLetterSink>();
        services.AddSingleton<MqttIngestionService>();

        var mqtt = builder.Configuration.GetSection(MqttOptions.Section).Get<MqttOptions>() ?? new MqttOptions();
        if (mqtt.UsesEmbeddedBroker)
        {
            services.AddHostedService<EmbeddedBroker>();
        }

        services.AddHostedService(sp => sp.GetRequiredService<MqttIngestionService>());
        return builder;
    }

    /// <summary>
    /// Where the embedded broker refuses anonymous clients and no gateway login is configured, the
    /// in-process gateway gets one made at start, known only to this process (a co-hosted silo
    /// publishing alert changes logs in with it too: it reads the same options).
    /// </summary>
    private sealed class EmbeddedBrokerLogin : IPostConfigureOptions<MqttOptions>
    {
        public void PostConfigure(string? name, MqttOptions options)
        {
            if (options.UsesEmbeddedBroker && !options.AnonymousAllowed && options.Username is null)
            {
                options.Username = "om-gateway";
                options.Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            }
        }
    }
}
