using System.Text.Json;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Formatter;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Scopes;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Security;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.MqttSecurity;

/// <summary>
/// The logins the ACL tests use, as <c>Mqtt:*</c> settings: the system's login (gateway, and the
/// tests' watcher) and three devices of <see cref="TestRegistry.Small"/>: all of ent-1, all of
/// ent-2, and only line p1 of ent-3. Hashes with few iterations: the tests verify, not harden.
/// </summary>
public static class AclLogins
{
    public const string SystemUser = "om-system-test";
    public const string SystemPassword = "system-secret-0123456789";

    public static readonly (string Username, string Password, string Enterprise, string[] Lines)[] Devices =
    [
        ("ent1-all", "pw-ent1-secret", "ent-1", []),
        ("ent2-all", "pw-ent2-secret", "ent-2", []),
        ("ent3-p1", "pw-ent3-secret", "ent-3", ["p1"]),
    ];

    private static readonly string[] Hashes = Devices.Select(d => PasswordHash.Create(d.Password, iterations: 1000)).ToArray();

    public static string PasswordOf(string username) => Devices.Single(d => d.Username == username).Password;

    public static Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?> { ["Mqtt:Username"] = SystemUser, ["Mqtt:Password"] = SystemPassword };
        for (var i = 0; i < Devices.Length; i++)
        {
            settings[$"Mqtt:Devices:{i}:Username"] = Devices[i].Username;
            settings[$"Mqtt:Devices:{i}:PasswordHash"] = Hashes[i];
            settings[$"Mqtt:Devices:{i}:Enterprise"] = Devices[i].Enterprise;
            for (var l = 0; l < Devices[i].Lines.Length; l++)
            {
                settings[$"Mqtt:Devices:{i}:Lines:{l}"] = Devices[i].Lines[l];
            }
        }

        return settings;
    }

    public static MqttOptions Options() => new()
    {
        Username = SystemUser,
        Password = SystemPassword,
        Devices = Devices.Select((d, i) => new MqttDevice { Username = d.Username, PasswordHash = Hashes[i], Enterprise = d.Enterprise, Lines = [.. d.Lines] }).ToList(),
    };

    /// <summary>A valid output message of <paramref name="good"/> units with a unique id.</summary>
    public static string Output(long good) =>
        JsonSerializer.Serialize(new { id = $"acl-{Guid.NewGuid():N}", ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), good });
}

/// <summary>
/// A broker that enforces <see cref="AclLogins"/>, with a silo and a gateway logged in as the
/// system, and a watcher (the system's login too) subscribed to everything: what it never gets, no
/// one got. Shared by the tests of a class, which use fresh message ids and compare counts before and after.
/// </summary>
public abstract class AclWorld : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private ProductHosts _hosts = null!;

    public IGrainFactory Grains => _hosts.Grains;

    public GatewayStatus Status { get; private set; } = null!;

    public int Port { get; private set; }

    public MqttTestClient Watcher { get; private set; } = null!;

    /// <summary>How the broker answers a wrong password or an unknown user.</summary>
    public abstract MqttClientConnectResultCode RefusedLogin { get; }

    /// <summary>The MQTT 5 PUBACK of a publish outside the ACL.</summary>
    public abstract MqttClientPublishReasonCode DeniedPublish { get; }

    /// <summary>The SUBACK of a subscription outside the ACL.</summary>
    public abstract MqttClientSubscribeResultCode DeniedSubscription(string filter);

    protected ProductHosts Hosts => _hosts;

    public async Task InitializeAsync()
    {
        _hosts = await ProductHosts.StartSiloAsync(TestRegistry.Small());
        (Port, var gateway) = await StartBrokerAndGatewayAsync();
        Status = ProductHosts.StatusOf(gateway);
        await Eventually.HoldsAsync(() => Status.BrokerConnected, Timeout, "the gateway connects with the system's login");
        Watcher = await MqttTestClient.ConnectAsync(Port, "om/v1/#", AclLogins.SystemUser, AclLogins.SystemPassword);
    }

    public async Task DisposeAsync()
    {
        await Watcher.DisposeAsync();
        await _hosts.DisposeAsync();
        await StopBrokerAsync();
    }

    public Task<MqttTestClient> DeviceAsync(string username, MqttProtocolVersion version = MqttProtocolVersion.V500, string? subscribe = null) =>
        MqttTestClient.ConnectAsync(Port, subscribe, username, AclLogins.PasswordOf(username), version, null);

    public async Task<long> GoodAsync(string enterprise, string line) =>
        (await Grains.GetLineGrain(enterprise, line).GetSnapshotAsync())?.Today.Good ?? 0;

    /// <summary>
    /// Publishes an allowed marker on the telemetry <paramref name="topic"/> (as the system) and waits
    /// until the watcher has it and its line has counted it: anything published before it that got
    /// through has arrived by then, and the line's count no longer moves for it (the gateway's batch
    /// may linger after the watcher has the marker, and a later test reads that line's count).
    /// </summary>
    public async Task<string> MarkAsync(string topic)
    {
        var parts = topic.Split('/');
        var (enterprise, line) = (parts[2], parts[3]);
        var before = await GoodAsync(enterprise, line);
        var marker = AclLogins.Output(1);
        await Watcher.PublishAsync(topic, marker);
        await Eventually.HoldsAsync(() => Watcher.Received.Any(m => m.Payload == marker), Timeout, $"the marker on {topic} arrives");
        await CountedAsync(enterprise, line, before, 1);
        return marker;
    }

    /// <summary>Waits until the line has counted <paramref name="expected"/> units since <paramref name="before"/>.</summary>
    public Task CountedAsync(string enterprise, string line, long before, long expected) =>
        Eventually.HoldsAsync(async () => await GoodAsync(enterprise, line) - before >= expected, Timeout, $"{expected} units counted on {enterprise}/{line}");

    protected abstract Task<(int Port, IHost Gateway)> StartBrokerAndGatewayAsync();

    protected virtual Task StopBrokerAsync() => Task.CompletedTask;
}

/// <summary>The embedded broker with <c>Mqtt:AllowAnonymous=false</c> and <see cref="AclLogins"/>; and a second one where anonymous clients are allowed (loopback).</summary>
public sealed class EmbeddedAclWorld : AclWorld
{
    public override MqttClientConnectResultCode RefusedLogin => MqttClientConnectResultCode.BadUserNameOrPassword;

    public override MqttClientPublishReasonCode DeniedPublish => MqttClientPublishReasonCode.NotAuthorized;

    // MQTTnet refuses shared subscriptions before the ACL is asked (TopicAclTests covers the ACL's answer).
    public override MqttClientSubscribeResultCode DeniedSubscription(string filter) => filter.StartsWith("$share/", StringComparison.Ordinal)
        ? MqttClientSubscribeResultCode.SharedSubscriptionsNotSupported
        : MqttClientSubscribeResultCode.NotAuthorized;

    /// <summary>The embedded broker of a gateway with anonymous clients allowed (the loopback default).</summary>
    public int OpenPort { get; private set; }

    public GatewayStatus OpenStatus { get; private set; } = null!;

    protected override async Task<(int Port, IHost Gateway)> StartBrokerAndGatewayAsync()
    {
        var port = MosquittoBroker.FreePort();
        var settings = AclLogins.Settings();
        settings["Mqtt:Port"] = port.ToString();
        settings["Mqtt:ClientId"] = "acl-gateway";
        settings["Mqtt:AllowAnonymous"] = "false";
        var gateway = await Hosts.StartGatewayAsync(settings);

        OpenPort = MosquittoBroker.FreePort();
        var open = AclLogins.Settings();
        open["Mqtt:Port"] = OpenPort.ToString();
        open["Mqtt:ClientId"] = "acl-open-gateway";
        OpenStatus = ProductHosts.StatusOf(await Hosts.StartGatewayAsync(open));
        await Eventually.HoldsAsync(() => OpenStatus.BrokerConnected, Timeout, "the second gateway connects");
        return (port, gateway);
    }
}

/// <summary>
/// A real Mosquitto with the password and ACL files <see cref="MosquittoFiles"/> writes from
/// <see cref="AclLogins"/>, and a gateway on a shared subscription with the system's login.
/// </summary>
public sealed class MosquittoAclWorld : AclWorld
{
    private MosquittoBroker? _broker;

    public override MqttClientConnectResultCode RefusedLogin => MqttClientConnectResultCode.NotAuthorized;

    public override MqttClientPublishReasonCode DeniedPublish => MqttClientPublishReasonCode.NotAuthorized;

    // Mosquitto 2.0 grants the subscription and filters what it delivers by the ACL's read rules.
    public override MqttClientSubscribeResultCode DeniedSubscription(string filter) => MqttClientSubscribeResultCode.GrantedQoS1;

    protected override async Task<(int Port, IHost Gateway)> StartBrokerAndGatewayAsync()
    {
        var options = AclLogins.Options();
        _broker = MosquittoBroker.WithFiles(MosquittoFiles.PasswordFile(options), MosquittoFiles.AclFile(options));
        await _broker.InitializeAsync();
        var gateway = await Hosts.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Mqtt:Host"] = _broker.Host,
            ["Mqtt:Port"] = _broker.Port.ToString(),
            ["Mqtt:Username"] = AclLogins.SystemUser,
            ["Mqtt:Password"] = AclLogins.SystemPassword,
            ["Mqtt:ClientId"] = "acl-gateway",
            ["Mqtt:SharedGroup"] = "om-gateway",
        });
        return (_broker.Port, gateway);
    }

    protected override async Task StopBrokerAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
