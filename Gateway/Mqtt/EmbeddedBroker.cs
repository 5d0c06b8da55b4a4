using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Silo;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// The default broker (MQTTnet.Server) on <c>Mqtt:BindAddress</c>:<c>Mqtt:Port</c>, loopback by
/// default. Logins are checked by <see cref="BrokerLogins"/> (anonymous clients only where
/// <see cref="MqttOptions.AnonymousAllowed"/>), every publish and subscription against the login's
/// topic ACL (<see cref="BrokerClient"/>), and a client id's session stays with the login that
/// made it: another login taking it over would inherit its subscriptions.
/// </summary>
internal sealed partial class EmbeddedBroker(IOptions<MqttOptions> options, BrokerLogins logins, GatewayStatus status, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private readonly MqttOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, string> _sessionOwners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _deniedByLogin = new(StringComparer.Ordinal);
    private long _refusedLogins;
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(_options.BindAddress))
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(_options.Port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(_options.MaxPendingMessages)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        _server.SessionDeletedAsync += e =>
        {
            _sessionOwners.TryRemove(e.Id, out _);
            return Task.CompletedTask;
        };
        _server.ApplicationMessageEnqueuedOrDroppedAsync += e => e.IsDropped ? CountDropAsync(e.ReceiverClientId) : Task.CompletedTask;
        _server.QueuedApplicationMessageOverwrittenAsync += e => CountDropAsync(e.ReceiverClientId);
        await _server.StartAsync();
        LogStarted(logger, _options.BindAddress, _options.Port, _options.AnonymousAllowed);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
        {
            return;
        }

        try
        {
            await _server.StopAsync(new MqttServerStopOptionsBuilder().Build());
        }
        catch (InvalidOperationException ex)
        {
            // MQTTnet's TCP adapter can race its own listener list while stopping ("Collection was
            // modified"); the sessions are closed by then, and Dispose releases the listeners left.
            LogStopRaced(logger, ex);
        }
    }

    public void Dispose() => _server?.Dispose();

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var login = await logins.LoginAsync(e.UserName, e.Password);
        if (login.Client is null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            RefuseLogin(e, login.Refusal);
            return;
        }

        // mosquitto_pub sends no client id by default: the broker names such clients, as MQTT allows
        // (3.1.1 only for a clean session; MQTTnet would refuse them otherwise).
        if (string.IsNullOrEmpty(e.ClientId))
        {
            if (e.CleanSession != true && e.ProtocolVersion != MqttProtocolVersion.V500)
            {
                e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                RefuseLogin(e, "no client id for a persistent session");
                return;
            }

            e.AssignedClientIdentifier = $"om-auto-{Guid.NewGuid():N}";
            if (e.ProtocolVersion != MqttProtocolVersion.V500 && !TryAssignClientId(e, e.AssignedClientIdentifier))
            {
                e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                RefuseLogin(e, "no client id (this MQTTnet version cannot assign one over MQTT 3.1.1)");
                return;
            }
        }
        else if (_sessionOwners.GetOrAdd(e.ClientId, login.Client.Owner) != login.Client.Owner)
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            RefuseLogin(e, "the client id's session belongs to another login");
            return;
        }

        e.ReasonCode = MqttConnectReasonCode.Success;
    }

    /// <summary>
    /// MQTTnet 5 assigns a client id only to MQTT 5 clients (dotnet/MQTTnet#2181), though MQTT 3.1.1
    /// lets a server name a clean-session client that sent none, as Mosquitto does: mosquitto_pub
    /// sends none by default. The id is written into the CONNECT packet MQTTnet is about
    /// to accept; false when this MQTTnet version keeps the packet elsewhere.
    /// </summary>
    private static bool TryAssignClientId(ValidatingConnectionEventArgs e, string clientId)
    {
        try
        {
            ConnectPacketOf(e).ClientId = clientId;
            return true;
        }
        catch (MissingFieldException)
        {
            return false;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_connectPacket")]
    private static extern ref MqttConnectPacket ConnectPacketOf(ValidatingConnectionEventArgs e);

    /// <summary>
    /// A publish outside the login's ACL is not delivered: MQTT 5 clients get NotAuthorized in the
    /// PUBACK, MQTT 3.1.1 clients (whose PUBACK has no reason code) a plain PUBACK, as Mosquitto does.
    /// </summary>
    private Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (!Allows("publish", e.ClientId, e.UserName, e.ApplicationMessage?.Topic ?? "", static (client, topic) => client.MayPublish(topic)))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        }

        return Task.CompletedTask;
    }

    /// <summary>A subscription outside the login's ACL is refused (SUBACK failure: NotAuthorized in MQTT 5).</summary>
    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (!Allows("subscribe", e.ClientId, e.UserName, e.TopicFilter.Topic ?? "", static (client, filter) => client.MaySubscribe(filter)))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether the connection's login may; a refusal is counted and logged. An unknown login may nothing.</summary>
    private bool Allows(string action, string clientId, string? username, string topic, Func<BrokerClient, string, bool> rule)
    {
        if (logins.ClientOf(username) is { } client && rule(client, topic))
        {
            return true;
        }

        status.AddBrokerDenial(action);
        var denied = _deniedByLogin.AddOrUpdate(username ?? "", 1, (_, count) => count + 1);
        if (denied % 100 == 1)
        {
            LogDenied(logger, action, topic, clientId, username ?? "", denied);
        }

        return false;
    }

    private void RefuseLogin(ValidatingConnectionEventArgs e, string reason)
    {
        status.AddBrokerDenial("connect");

        // Names in refused logins are the client's to choose: one counter for all, logged at the first and every 100th.
        var refused = Interlocked.Increment(ref _refusedLogins);
        if (refused % 100 == 1)
        {
            LogLoginRefused(logger, e.ClientId, e.UserName ?? "", e.RemoteEndPoint?.ToString() ?? "", reason, refused);
        }
    }

    /// <summary>A message lost at the broker: counted, and logged at the first and every 1000th.</summary>
    private Task CountDropAsync(string clientId)
    {
        var dropped = status.AddBrokerDrop();
        if (dropped % 1000 == 1)
        {
            LogDropped(logger, clientId, dropped, _options.MaxPendingMessages);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT {Action} to '{Topic}' denied for client {ClientId} (login '{Username}'): outside its topic ACL; {Denied} denied for this login so far")]
    private static partial void LogDenied(ILogger logger, string action, string topic, string clientId, string username, long denied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT login refused for client {ClientId} (login '{Username}') from {Endpoint}: {Reason}; {Refused} refused so far")]
    private static partial void LogLoginRefused(ILogger logger, string clientId, string username, string endpoint, string reason, long refused);

    [LoggerMessage(Level = LogLevel.Error, Message = "The embedded broker dropped a message for {ClientId}: its queue of {Limit} (Mqtt:MaxPendingMessages) is full; {Dropped} dropped so far")]
    private static partial void LogDropped(ILogger logger, string clientId, long dropped, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embedded MQTT broker's stop raced inside MQTTnet; its listeners are released on dispose")]
    private static partial void LogStopRaced(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port} (anonymous clients allowed: {Anonymous})")]
    private static partial void LogStarted(ILogger logger, string address, int port, bool anonymous);
}
