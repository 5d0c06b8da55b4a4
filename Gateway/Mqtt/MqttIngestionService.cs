using System.Buffers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Silo;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// The gateway's MQTT side: one persistent-session client (MQTT 5, QoS 1, manual acknowledgement,
/// ReceiveMaximum as backpressure), subscribed to om/v1/# (shared by all gateways at an external
/// broker), reconnecting with backoff; it feeds the pipeline.
/// </summary>
internal sealed partial class MqttIngestionService(
    IngestionPipeline pipeline,
    AcknowledgementOrder acknowledgements,
    GatewayStatus status,
    IOptions<MqttOptions> mqttOptions,
    IOptions<GatewayOptions> gatewayOptions,
    GatewayMqttClient connection,
    TimeProvider time,
    ILogger<MqttIngestionService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(10);
    private readonly MqttOptions _options = mqttOptions.Value;
    private readonly IMqttClient _client = connection.Client;
    private volatile bool _stopping;

    /// <summary>The subscription: shared between the gateways where the broker supports it (not the embedded one).</summary>
    public string Subscription => _options.UsesEmbeddedBroker || string.IsNullOrEmpty(_options.SharedGroup)
        ? TelemetryTopics.Subscription
        : $"$share/{_options.SharedGroup}/{TelemetryTopics.Subscription}";

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Take nothing new (left unacknowledged, the broker sends it again), finish and acknowledge
        // what is queued, then disconnect. The subscription stays with the persistent session (unless
        // Gateway:LeaveGroupOnStop): what devices publish while this gateway is down is queued for it,
        // not dropped, which matters most when it is the only one (a restart, or a maintenance stop).
        _stopping = true;
        if (gatewayOptions.Value.LeaveGroupOnStop && _client.IsConnected)
        {
            try
            {
                await _client.UnsubscribeAsync(Subscription, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDisconnectFailed(logger, ex.Message);
            }
        }

        await pipeline.DrainAsync(gatewayOptions.Value.DrainTimeout);
        await base.StopAsync(cancellationToken);
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDisconnectFailed(logger, ex.Message);
            }
        }

        status.SetConnected(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        pipeline.Start();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += _ =>
        {
            status.SetConnected(false);
            return Task.CompletedTask;
        };

        var delay = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_client.IsConnected && await TryConnectAsync(stoppingToken))
            {
                delay = TimeSpan.FromMilliseconds(100);
            }

            try
            {
                await Task.Delay(_client.IsConnected ? TimeSpan.FromSeconds(1) : delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!_client.IsConnected)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
            }
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var clientOptions = _options.ClientOptions(_options.EffectiveClientId)
                .WithCleanStart(false)
                .WithSessionExpiryInterval((uint)_options.SessionExpirySeconds)
                .WithReceiveMaximum((ushort)_options.EffectiveReceiveMaximum)
                .Build();
            var result = await _client.ConnectAsync(clientOptions, cancellationToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                LogConnectRefused(logger, result.ResultCode.ToString());
                return false;
            }

            // Always (idempotent): a new session, or a broker that did not keep the subscription.
            await _client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(Subscription).WithAtLeastOnceQoS()).Build(),
                cancellationToken);

            status.SetConnected(true);
            LogConnected(logger, _options.BrokerName, _options.Port, Subscription, result.IsSessionPresent);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogConnectFailed(logger, ex.Message);
            return false;
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        if (_stopping)
        {
            // Left unacknowledged: the broker delivers it again to this session or another gateway.
            return;
        }

        var message = e.ApplicationMessage;
        var ticket = acknowledgements.Add(e.AcknowledgeAsync);
        var inbound = new InboundMessage(message.Topic, message.Payload.ToArray(), time.GetUtcNow(), ticket);
        status.MessageReceived();
        try
        {
            await pipeline.EnqueueAsync(inbound, CancellationToken.None);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // The pipeline is draining; see above.
            acknowledgements.Abandon(ticket);
            status.MessageAbandoned();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway connected to {Broker}:{Port}, subscribed to {Subscription} (session present: {SessionPresent})")]
    private static partial void LogConnected(ILogger logger, string broker, int port, string subscription, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker refused the gateway: {ResultCode}")]
    private static partial void LogConnectRefused(ILogger logger, string resultCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connecting to the broker failed; retrying: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Leaving the broker failed: {Error}")]
    private static partial void LogDisconnectFailed(ILogger logger, string error);
}
