using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputMonitor.Alerts;
using OutputMonitor.Contracts;

namespace OutputMonitor.Silo.Alerts;

/// <summary>
/// The silo's <see cref="IAlertDispatcher"/>: serializes each change once, as <c>GET /api/alerts</c>
/// writes it, and hands it to every destination — the broker and each webhook — each with its own
/// queue and worker, so a slow or failing one delays neither the others nor the alert book.
/// </summary>
internal sealed partial class AlertDispatcher : BackgroundService, IAlertDispatcher
{
    private readonly List<AlertOutbox> _outboxes;
    private readonly ILogger<AlertDispatcher> _logger;

    public AlertDispatcher(
        IOptions<AlertDeliveryOptions> options,
        IOptions<MqttOptions> mqtt,
        IHttpClientFactory http,
        AlertDeliveryStatus status,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var settings = options.Value;
        List<AlertOutbox> outboxes = [];
        if (settings.PublishMqtt)
        {
            outboxes.Add(new MqttAlertOutbox(mqtt.Value, settings, status, time, loggers.CreateLogger<MqttAlertOutbox>()));
        }

        outboxes.AddRange(settings.Webhooks.Select((url, i) =>
            new WebhookOutbox(i, new Uri(url), http, settings, status, time, loggers.CreateLogger<WebhookOutbox>())));
        _outboxes = outboxes;
        _logger = loggers.CreateLogger<AlertDispatcher>();
    }

    /// <summary>The destinations' target names, in order: <c>mqtt</c> (when published), then <c>webhook[i]</c>.</summary>
    public IReadOnlyList<string> Targets => [.. _outboxes.Select(o => o.Target)];

    public void Dispatch(IReadOnlyList<Alert> changes)
    {
        if (_outboxes.Count == 0)
        {
            return;
        }

        foreach (var alert in changes)
        {
            byte[] json;
            try
            {
                json = JsonSerializer.SerializeToUtf8Bytes(alert, ContractJson.Options);
            }
            catch (Exception ex)
            {
                // Never into the grain: the change is recorded; only its delivery is lost.
                LogUnserializable(_logger, alert.Id, ex);
                continue;
            }

            var change = new AlertChange(alert, json);
            foreach (var outbox in _outboxes)
            {
                outbox.Enqueue(change);
            }
        }
    }

    public override void Dispose()
    {
        foreach (var outbox in _outboxes.OfType<IDisposable>())
        {
            outbox.Dispose();
        }

        base.Dispose();
    }

    // On the thread pool, never on a grain's scheduler: Dispatch only writes to the queues.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_outboxes.Select(outbox => Task.Run(() => outbox.RunAsync(stoppingToken), CancellationToken.None)));

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {AlertId} could not be serialized: not delivered")]
    private static partial void LogUnserializable(ILogger logger, string alertId, Exception exception);
}
