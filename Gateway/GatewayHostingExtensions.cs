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
using OutputMonitor.Silo.Security;

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
        services.AddSingleton<AcknowledgementOrder>();
        services.AddSingleton<GatewayMqttClient>();
        services.AddSingleton<IDeadLetterSink, DeadLetterSink>();
        services.AddSingleton<MqttIngestionService>();

        var mqtt = builder.Configuration.GetSection(MqttOptions.Section).Get<MqttOptions>() ?? new MqttOptions();
        if (mqtt.UsesEmbeddedBroker)
        {
            AddSimulatorLogin(builder, mqtt);
            services.AddSingleton(sp => new BrokerLogins(sp.GetRequiredService<IOptions<MqttOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<SimulatorLogin>()));
            services.AddHostedService<EmbeddedBroker>();
        }

        services.AddHostedService(sp => sp.GetRequiredService<MqttIngestionService>());
        return builder;
    }

    /// <summary>
    /// Where the embedded broker refuses anonymous clients, a co-hosted simulator (the one-command
    /// demo; <c>Simulator:*</c> follows <c>Mqtt:*</c> there) gets a login made for the run, known only
    /// to this process, unless <c>Simulator:Username</c> names one. It may publish telemetry for every
    /// enterprise, nothing else.
    /// </summary>
    private static void AddSimulatorLogin(IHostApplicationBuilder builder, MqttOptions mqtt)
    {
        var configuration = builder.Configuration;
        if (mqtt.AnonymousAllowed || !configuration.GetValue("Simulator:Enabled", true)
            || configuration["Simulator:Username"] is not null || !string.IsNullOrEmpty(configuration["Simulator:Host"]))
        {
            return;
        }

        var login = new SimulatorLogin(MqttDeviceValidation.SimulatorUsername, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        builder.Services.AddSingleton(login);
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Username"] = login.Username,
            ["Simulator:Password"] = login.Password,
        });
    }

    /// <summary>
    /// Where no gateway login is configured for the embedded broker, the in-process gateway gets one
    /// made at start, known only to this process (a co-hosted silo publishing alert changes logs in
    /// with it too: it reads the same options). Also where anonymous clients are allowed: only the
    /// system's own login may publish dead letters and alerts.
    /// </summary>
    private sealed class EmbeddedBrokerLogin : IPostConfigureOptions<MqttOptions>
    {
        public void PostConfigure(string? name, MqttOptions options)
        {
            if (options.UsesEmbeddedBroker && options.Username is null)
            {
                options.Username = MqttDeviceValidation.GatewayUsername;
                options.Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            }
        }
    }
}
