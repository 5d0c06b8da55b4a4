using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using OutputMonitor.Simulator.Model;

namespace OutputMonitor.Simulator;

public enum PublishOutcome
{
    /// <summary>Accepted by the broker (at the configured QoS).</summary>
    Sent,

    /// <summary>Refused by the broker (e.g. not authorized): retrying would not help.</summary>
    Refused,

    /// <summary>Not connected, timed out or the connection dropped: retry after reconnecting.</summary>
    Failed,
}

/// <summary>
/// The simulator's MQTT client (MQTTnet 5, MQTT 5, clean start). <see cref="MaintainConnectionAsync"/>
/// keeps it connected, reconnecting with exponential backoff (0.5 s to 30 s, with jitter) while the
/// broker is down or restarting; publishing never throws for a broker problem, it reports an outcome.
/// </summary>
internal sealed class MqttTelemetryPublisher : IAsyncDisposable
{
    public const int MaxInFlight = 256;
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly SimulatorOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MqttQualityOfServiceLevel _qos;
    private Window _window = new(MaxInFlight);
    private long _sentMessages;
    private long _sentItems;
    private long _refused;
    private long _failed;

    public MqttTelemetryPublisher(SimulatorOptions options, ILogger logger, TimeProvider time)
    {
        (_options, _logger, _time) = (options, logger, time);
        _qos = (MqttQualityOfServiceLevel)options.QoS;
        ClientId = $"om-sim-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32];
    }

    public string ClientId { get; }

    public bool IsConnected => _client.IsConnected;

    public long SentMessages => Interlocked.Read(ref _sentMessages);

    public long SentItems => Interlocked.Read(ref _sentItems);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Connects, and reconnects whenever the connection is lost, until cancelled. Never throws.</summary>
    public async Task MaintainConnectionAsync(CancellationToken cancellationToken)
    {
        var backoff = MinBackoff;
        var connected = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_client.IsConnected)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
                    continue;
                }

                if (connected)
                {
                    Log.ConnectionLost(_logger);
                    connected = false;
                }

                var failure = await TryConnectAsync(cancellationToken);
                if (failure is null)
                {
                    connected = true;
                    backoff = MinBackoff;
                    continue;
                }

                var delay = backoff + (backoff * Random.Shared.NextDouble() * 0.25);
                Log.ConnectFailed(_logger, _options.Host, _options.Port, failure, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken);
                backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async Task WaitConnectedAsync(CancellationToken cancellationToken)
    {
        while (!_client.IsConnected)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
        }
    }

    /// <summary>Publishes one message and waits for the broker's acknowledgement (at QoS ≥ 1).</summary>
    public async Task<PublishOutcome> PublishAsync(SimMessage message, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return PublishOutcome.Failed;
        }

        try
        {
            var result = await _client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(message.Topic)
                    .WithPayload(message.Payload)
                    .WithQualityOfServiceLevel(_qos)
                    .WithContentType("application/json")
                    .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
                    .Build(),
                cancellationToken);
            if (result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                Interlocked.Increment(ref _sentMessages);
                Interlocked.Add(ref _sentItems, message.Items);
                return PublishOutcome.Sent;
            }

            var refused = Interlocked.Increment(ref _refused);
            if (refused == 1 || refused % 1000 == 0)
            {
                Log.PublishRefused(_logger, message.Topic, result.ReasonCode.ToString(), result.ReasonString, refused);
            }

            return PublishOutcome.Refused;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            // Not connected any more, or no acknowledgement in time: the caller retries after reconnecting.
            Interlocked.Increment(ref _failed);
            return PublishOutcome.Failed;
        }
    }

    /// <summary>
    /// Load mode: starts publishing and returns once fewer than the window (256, or the broker's
    /// receive maximum if lower) are in flight. Outcomes only count.
    /// </summary>
    public async ValueTask PublishPipelinedAsync(SimMessage message, CancellationToken cancellationToken)
    {
        var window = _window;
        await window.Gate.WaitAsync(cancellationToken);
        _ = CompleteAsync(window, message);
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) for pipelined messages still in flight.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var started = _time.GetTimestamp();
        var window = _window;
        while (window.Gate.CurrentCount < window.Size && _time.GetElapsedTime(started) < timeout && _client.IsConnected)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
            }
            catch (Exception)
            {
                // Going away regardless.
            }
        }

        _client.Dispose();
    }

    private async Task CompleteAsync(Window window, SimMessage message)
    {
        try
        {
            await PublishAsync(message, CancellationToken.None);
        }
        finally
        {
            window.Gate.Release();
        }
    }

    private async Task<string?> TryConnectAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(ConnectTimeout);
        if (_options.Username is not null)
        {
            builder.WithCredentials(_options.Username, _options.Password ?? "");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            var result = await _client.ConnectAsync(builder.Build(), timeout.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                return $"connection refused: {result.ResultCode}";
            }

            // Never more in flight than the broker takes (MQTT 5 receive maximum).
            var size = Math.Min(MaxInFlight, result.ReceiveMaximum is { } maximum and > 0 ? maximum : MaxInFlight);
            if (size != _window.Size)
            {
                _window = new Window(size);
            }

            Log.Connected(_logger, _options.Host, _options.Port, ClientId);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return ex.GetBaseException().Message;
        }
    }

    /// <summary>The messages allowed in flight; replaced (not resized) when a broker allows fewer.</summary>
    private sealed class Window(int size)
    {
        public int Size { get; } = size;

        public SemaphoreSlim Gate { get; } = new(size);
    }
}
