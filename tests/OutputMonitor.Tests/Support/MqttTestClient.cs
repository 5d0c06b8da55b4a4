using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace OutputMonitor.Tests.Support;

/// <summary>An ordinary MQTT client for tests: publishes QoS 1 and collects what arrives on its subscriptions.</summary>
public sealed class MqttTestClient : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    private MqttTestClient()
    {
    }

    public ConcurrentQueue<(string Topic, string Payload)> Received { get; } = new();

    /// <summary>What arrived, with how it was delivered: QoS and retain flag.</summary>
    public ConcurrentQueue<(string Topic, string Payload, MqttQualityOfServiceLevel Qos, bool Retain)> Deliveries { get; } = new();

    public static async Task<MqttTestClient> ConnectAsync(int port, string? subscribe = null, string? username = null, string? password = null) =>
        await ConnectAsync(port, subscribe, username, password, null, null);

    /// <summary>Connects with this protocol version and client id (random when null); fails the test unless accepted.</summary>
    public static async Task<MqttTestClient> ConnectAsync(int port, string? subscribe, string? username, string? password, MqttProtocolVersion? version, string? clientId, Action<MqttClientOptionsBuilder>? configure = null)
    {
        var client = new MqttTestClient();
        client._client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            var payload = Encoding.UTF8.GetString(message.Payload);
            client.Received.Enqueue((message.Topic, payload));
            client.Deliveries.Enqueue((message.Topic, payload, message.QualityOfServiceLevel, message.Retain));
            return Task.CompletedTask;
        };
        var options = Options(port, username, password, version, clientId);
        configure?.Invoke(options);
        var result = await client._client.ConnectAsync(options.Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        if (subscribe is not null)
        {
            await client._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(subscribe).WithAtLeastOnceQoS()).Build());
        }

        return client;
    }

    /// <summary>The broker's answer to a login (the connection is closed again).</summary>
    public static async Task<MqttClientConnectResultCode> TryConnectAsync(int port, string? username, string? password, MqttProtocolVersion version = MqttProtocolVersion.V500, string? clientId = null)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(Options(port, username, password, version, clientId).Build());
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        return result.ResultCode;
    }

    /// <summary>Subscribes at QoS 1; returns the broker's SUBACK code.</summary>
    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS()).Build());
        return result.Items.Single().ResultCode;
    }

    /// <summary>Drops the connection without a DISCONNECT, as a client that died would: the broker publishes its will.</summary>
    public void Abort() => _client.Dispose();

    public Task<MqttClientPublishResult> PublishAsync(string topic, string payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>Publishes with the real <c>mosquitto_pub</c> command line client, QoS 1.</summary>
    public static async Task MosquittoPubAsync(int port, string topic, string payload, params string[] options)
    {
        var start = new ProcessStartInfo("mosquitto_pub") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", port.ToString(), "-q", "1", "-t", topic, "-m", payload }.Concat(options))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"mosquitto_pub failed: {await process.StandardError.ReadToEndAsync()}");
    }

    private static MqttClientOptionsBuilder Options(int port, string? username, string? password, MqttProtocolVersion? version, string? clientId)
    {
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId ?? $"test-{Guid.NewGuid():N}");
        if (version is { } protocol)
        {
            options.WithProtocolVersion(protocol);
        }
        if (username is not null)
        {
            options.WithCredentials(username, password);
        }

        return options;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
