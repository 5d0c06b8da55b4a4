using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;

namespace OutputMonitor.Silo;

/// <summary>
/// The broker (configuration section <c>Mqtt</c>; key names as in spec/api.md). Shared by the
/// gateway (ingestion, dead letters, the embedded broker) and the silo (alert changes).
/// </summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>An external broker; when unset the embedded broker runs on <see cref="Port"/>.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>The gateway's login at an external broker (also accepted by the embedded one).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public bool UseTls { get; set; }

    /// <summary>
    /// Device logins (<c>Mqtt:Devices</c>), each allowed to publish only under its own enterprise (or
    /// lines): enforced by the embedded broker, and written for Mosquitto by <c>mosquitto-files</c>.
    /// </summary>
    public List<Security.MqttDevice> Devices { get; set; } = [];

    /// <summary>
    /// The shared-subscription group the gateways split the load in (external brokers). Empty: a
    /// plain subscription, for one gateway at a broker that does not keep shared subscriptions over
    /// its own restart (Mosquitto 2.0 restores a persistent session's plain subscriptions, not its
    /// <c>$share</c> ones, and drops what devices publish before the gateway subscribes again).
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,64}$")]
    public string SharedGroup { get; set; } = "om-gateway";

    /// <summary>Clients without credentials may publish under om/v1/. Default: true only on a loopback listener.</summary>
    public bool? AllowAnonymous { get; set; }

    /// <summary>Where the embedded broker listens.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The gateway's MQTT client id: stable, so its persistent session survives a restart.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Unacknowledged messages the broker may send ahead: the pipeline's backpressure. Unset: 4096 at
    /// an external broker, 256 at the embedded one, whose session looks up each acknowledgement in a
    /// list of those in flight (measured: 4096 in flight made it the bottleneck at 3,000 msg/s).
    /// </summary>
    [Range(16, 65535)]
    public int? ReceiveMaximum { get; set; }

    public int EffectiveReceiveMaximum => ReceiveMaximum ?? (UsesEmbeddedBroker ? 256 : 4096);

    /// <summary>
    /// The embedded broker's queue per client of messages not yet sent to it. A QoS 1 message that
    /// finds the queue full is dropped (as mosquitto's <c>max_queued_messages</c> does), so it must
    /// absorb the bursts the gateway lags behind: 200,000 is 20 s at 10,000 msg/s, ~40 MB at most.
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int MaxPendingMessages { get; set; } = 200_000;

    /// <summary>How long the broker keeps the gateway's session (and its QoS 1 messages) while it is away.</summary>
    [Range(0, 7 * 24 * 3600)]
    public int SessionExpirySeconds { get; set; } = 300;

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(Host);

    public bool BindsLoopback => IPAddress.TryParse(BindAddress, out var address) && IPAddress.IsLoopback(address);

    public bool AnonymousAllowed => AllowAnonymous ?? BindsLoopback;

    public string EffectiveClientId => ClientId ?? $"om-gateway-{Environment.MachineName.ToLowerInvariant()}";

    /// <summary>For logs: the external broker's host, or the embedded broker.</summary>
    public string BrokerName => UsesEmbeddedBroker ? "embedded broker" : Host!;

    /// <summary>
    /// A client of this broker (the embedded one on loopback when <see cref="Host"/> is unset): MQTT 5,
    /// with the configured login and TLS, so that every client of the product reaches it the same way.
    /// </summary>
    public MqttClientOptionsBuilder ClientOptions(string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(UsesEmbeddedBroker ? "127.0.0.1" : Host, Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (Username is not null)
        {
            builder.WithCredentials(Username, Password);
        }

        if (UseTls)
        {
            builder.WithTlsOptions(tls => tls.UseTls());
        }

        return builder;
    }
}

public static class MqttSettingsExtensions
{
    /// <summary>
    /// The <c>Mqtt:*</c> options, validated at start. Registered by the gateway and by the silo; once
    /// is enough where both share a process (they then share one login, see the gateway's).
    /// </summary>
    public static IServiceCollection AddOutputMonitorMqttSettings(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<MqttOptions>) && d.ImplementationType == typeof(MqttOptionsValidator)))
        {
            return services;
        }

        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>());
        return services;
    }
}

/// <summary>Refuses anonymous publishing on a broker reachable beyond this machine, as spec/telemetry.md requires.</summary>
internal sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        if (options.UsesEmbeddedBroker && !IPAddress.TryParse(options.BindAddress, out _))
        {
            return ValidateOptionsResult.Fail($"Mqtt:BindAddress '{options.BindAddress}' is not an IP address");
        }

        if (options.UsesEmbeddedBroker && options.AllowAnonymous == true && !options.BindsLoopback)
        {
            return ValidateOptionsResult.Fail("Mqtt:AllowAnonymous=true is refused on a non-loopback Mqtt:BindAddress: devices must authenticate");
        }

        var errors = Security.MqttDeviceValidation.Validate(options.Devices, options.Username);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
