using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Silo;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// The default broker (MQTTnet.Server) on <c>Mqtt:BindAddress</c>:<c>Mqtt:Port</c>, loopback by
/// default. Anonymous clients are let in only where <see cref="MqttOptions.AnonymousAllowed"/>;
/// otherwise the configured gateway login is required.
/// </summary>
internal sealed partial class EmbeddedBroker(IOptions<MqttOptions> options, GatewayStatus status, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private readonly MqttOptions _options = options.Value;
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

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.UserName) ? _options.AnonymousAllowed : Matches(e.UserName, e.Password))
        {
            e.ReasonCode = MqttConnectReasonCode.Success;
        }
        else
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
        }

        return Task.CompletedTask;
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

    private bool Matches(string userName, string? password) =>
        _options.Username is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(userName), Encoding.UTF8.GetBytes(_options.Username))
        & CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password ?? ""), Encoding.UTF8.GetBytes(_options.Password ?? ""));

    [LoggerMessage(Level = LogLevel.Error, Message = "The embedded broker dropped a message for {ClientId}: its queue of {Limit} (Mqtt:MaxPendingMessages) is full; {Dropped} dropped so far")]
    private static partial void LogDropped(ILogger logger, string clientId, long dropped, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embedded MQTT broker's stop raced inside MQTTnet; its listeners are released on dispose")]
    private static partial void LogStopRaced(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port} (anonymous clients allowed: {Anonymous})")]
    private static partial void LogStarted(ILogger logger, string address, int port, bool anonymous);
}
