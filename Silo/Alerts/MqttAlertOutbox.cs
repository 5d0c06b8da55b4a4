using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using OutputMonitor.Alerts;

namespace OutputMonitor.Silo.Alerts;

/// <summary>
/// Alert changes to the broker of <c>Mqtt:*</c>: QoS 1, not retained, on the alert's topic
/// (<see cref="AlertTopics"/>). Published by the silo that holds the alert book, so each change is
/// published once however many gateways run. Connects on the first change, and again with backoff
/// whenever the connection is lost; a change is published again after a lost connection (at least once).
/// </summary>
internal sealed partial class MqttAlertOutbox(MqttOptions mqtt, AlertDeliveryOptions options, AlertDeliveryStatus status, TimeProvider time, ILogger<MqttAlertOutbox> logger)
    : AlertOutbox(Name, options.QueueLimit, status, logger), IDisposable
{
    public const string Name = "mqtt";

    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(10);

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    // Unique per silo (several silos publish); no session to keep: it only publishes.
    private readonly string _clientId = $"om-alerts-{Environment.MachineName.ToLowerInvariant()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    private TimeSpan _reconnectDelay = FirstReconnectDelay;

    public void Dispose() => _client.Dispose();

    protected override async Task DeliverAsync(AlertChange change, CancellationToken stopping)
    {
        if (AlertTopics.For(change.Alert.Scope) is not { } topic)
        {
            Counts.AddFailed();
            LogNoTopic(Logger, change.Alert.Id, change.Alert.Scope);
            return;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(change.Json)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(false)
            .Build();
        while (true)
        {
            if (_client.IsConnected || await TryConnectAsync(stopping))
            {
                try
                {
                    var result = await _client.PublishAsync(message, stopping);
                    if (result.IsSuccess)
                    {
                        Counts.AddDelivered();
                    }
                    else
                    {
                        // The broker answered (e.g. not authorized for the topic): sending again would not change that.
                        Counts.AddFailed();
                        LogRefused(Logger, change.Alert.Id, topic, result.ReasonCode.ToString());
                    }

                    return;
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    LogPublishFailed(Logger, change.Alert.Id, ex.Message);
                }
            }

            await Task.Delay(_reconnectDelay, time, stopping);
            _reconnectDelay = TimeSpan.FromTicks(Math.Min(_reconnectDelay.Ticks * 2, MaxReconnectDelay.Ticks));
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken stopping)
    {
        try
        {
            var result = await _client.ConnectAsync(mqtt.ClientOptions(_clientId).WithCleanStart(true).Build(), stopping);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                LogConnectRefused(Logger, mqtt.BrokerName, mqtt.Port, result.ResultCode.ToString());
                return false;
            }

            _reconnectDelay = FirstReconnectDelay;
            LogConnected(Logger, mqtt.BrokerName, mqtt.Port);
            return true;
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            LogConnectFailed(Logger, mqtt.BrokerName, mqtt.Port, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert publisher connected to {Broker}:{Port}")]
    private static partial void LogConnected(ILogger logger, string broker, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker {Broker}:{Port} refused the alert publisher: {ResultCode}; retrying")]
    private static partial void LogConnectRefused(ILogger logger, string broker, int port, string resultCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The alert publisher cannot reach the broker {Broker}:{Port}; retrying: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, string broker, int port, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing alert {AlertId} failed; reconnecting to publish it again: {Error}")]
    private static partial void LogPublishFailed(ILogger logger, string alertId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker refused alert {AlertId} on {Topic}: {ReasonCode}")]
    private static partial void LogRefused(ILogger logger, string alertId, string topic, string reasonCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {AlertId} has scope '{Scope}', which has no alert topic: not published")]
    private static partial void LogNoTopic(ILogger logger, string alertId, string scope);
}
