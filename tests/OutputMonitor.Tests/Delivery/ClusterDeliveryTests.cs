using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Protocol;
using OutputMonitor.Alerts;
using OutputMonitor.Contracts;
using OutputMonitor.Silo.Alerts;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Delivery;

/// <summary>
/// Alert changes recorded in an enterprise's alert book, out of an in-process cluster to a real
/// mosquitto and to webhooks on 127.0.0.1 (real time: the fake-clock cases are <see cref="WebhookRetryTests"/>).
/// </summary>
public sealed class ClusterDeliveryTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>What "returns promptly" means for a book write with in-memory state.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Every_change_of_a_line_alert_goes_to_its_topic_and_to_the_webhook_in_order_as_the_api_writes_it()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var subscriber = await MqttTestClient.ConnectAsync(broker.Port, "om/v1/alerts/#");
        await using var cluster = await StartClusterAsync(broker.Port, webhook.Url);
        var book = cluster.Grains.GetGrain<IAlertBookGrain>("ent-1");
        var raised = SampleAlerts.Raised("ent-1.p1.down.1", "line:ent-1/p1");

        await book.RecordAsync([raised]);
        await book.AcknowledgeAsync(raised.Id, "zhang", SampleAlerts.RaisedAt.AddMinutes(2));
        // The rule reports it cleared; the book keeps the acknowledgement, and so does what is sent.
        await book.RecordAsync([raised with { Status = AlertStatuses.Cleared, ClearedAt = SampleAlerts.RaisedAt.AddMinutes(9) }]);

        await Eventually.HoldsAsync(() => subscriber.Deliveries.Count == 3 && webhook.Requests.Count == 3, Timeout, "three changes on MQTT and the webhook");
        var published = subscriber.Deliveries.ToArray();
        Assert.All(published, m => Assert.Equal(("om/v1/alerts/ent-1/p1", MqttQualityOfServiceLevel.AtLeastOnce), (m.Topic, m.Qos)));
        Assert.Equal(
            """{"id":"ent-1.p1.down.1","scope":"line:ent-1/p1","kind":"down","severity":"critical","status":"active","message":"p1 down for 30 minutes","raisedAt":"2026-11-22T06:15:03.120Z","acknowledgedAt":null,"acknowledgedBy":null,"clearedAt":null,"details":{"since":"2026-11-22T05:45:03.120Z"}}""",
            published[0].Payload);
        Assert.Equal(["active", "acknowledged", "cleared"], published.Select(m => SampleAlerts.Field(m.Payload, "status")));
        Assert.Equal(JsonSerializer.Serialize((await book.GetAlertsAsync()).Single(), ContractJson.Options), published[2].Payload);
        Assert.Equal("zhang", SampleAlerts.Field(published[2].Payload, "acknowledgedBy"));
        Assert.Equal(published.Select(m => m.Payload), webhook.Requests.Select(r => r.Body));
    }

    [Fact]
    public async Task An_enterprise_alert_goes_one_level_up_and_the_enterprise_filter_takes_it_with_its_lines_alerts()
    {
        await using var subscriber = await MqttTestClient.ConnectAsync(broker.Port, "om/v1/alerts/ent-3/#");
        await using var cluster = await StartClusterAsync(broker.Port);
        var book = cluster.Grains.GetGrain<IAlertBookGrain>("ent-3");

        await book.RecordAsync([SampleAlerts.Raised("ent-3.output_shortfall.1", "enterprise:ent-3") with { Kind = "output_shortfall" }]);
        await book.RecordAsync([SampleAlerts.Raised("ent-3.p2.down.1", "line:ent-3/p2")]);

        await Eventually.HoldsAsync(() => subscriber.Received.Count == 2, Timeout, "both alerts published");
        Assert.Equal(
            [("om/v1/alerts/ent-3", "ent-3.output_shortfall.1"), ("om/v1/alerts/ent-3/p2", "ent-3.p2.down.1")],
            subscriber.Received.Select(m => (m.Topic, SampleAlerts.Field(m.Payload, "id"))));
    }

    [Fact]
    public async Task Alert_changes_are_not_retained()
    {
        await using var early = await MqttTestClient.ConnectAsync(broker.Port, "om/v1/alerts/ent-2/#");
        await using var cluster = await StartClusterAsync(broker.Port);
        var book = cluster.Grains.GetGrain<IAlertBookGrain>("ent-2");
        await book.RecordAsync([SampleAlerts.Raised("ent-2.p1.down.1", "line:ent-2/p1")]);
        await Eventually.HoldsAsync(() => early.Received.Count == 1, Timeout, "the first alert published");

        // A retained message would reach a new subscriber at once, before anything published later.
        await using var late = await MqttTestClient.ConnectAsync(broker.Port, "om/v1/alerts/ent-2/#");
        await book.RecordAsync([SampleAlerts.Raised("ent-2.p1.stale.2", "line:ent-2/p1") with { Kind = "stale" }]);

        await Eventually.HoldsAsync(() => !late.Received.IsEmpty && early.Received.Count == 2, Timeout, "the second alert published");
        Assert.Equal(["ent-2.p1.stale.2"], late.Received.Select(m => SampleAlerts.Field(m.Payload, "id")));
        Assert.All(late.Deliveries, m => Assert.False(m.Retain));
    }

    [Fact]
    public async Task A_hanging_and_a_refusing_webhook_delay_neither_another_webhook_nor_mqtt_nor_the_book()
    {
        await using var hanging = await WebhookReceiver.StartHangingAsync();
        await using var working = await WebhookReceiver.StartAsync();
        var refusing = $"http://127.0.0.1:{MosquittoBroker.FreePort()}/hooks/alerts";
        await using var subscriber = await MqttTestClient.ConnectAsync(broker.Port, "om/v1/alerts/ent-1/#");
        await using var cluster = await StartClusterAsync(broker.Port, hanging.Url, refusing, working.Url);
        var book = cluster.Grains.GetGrain<IAlertBookGrain>("ent-1");

        string[] ids = ["ent-1.p1.down.1", "ent-1.s1.stale.1", "ent-1.p1.down.2"];
        foreach (var id in ids)
        {
            var watch = Stopwatch.StartNew();
            await book.RecordAsync([SampleAlerts.Raised(id, id.StartsWith("ent-1.s1", StringComparison.Ordinal) ? "line:ent-1/s1" : "line:ent-1/p1")]);
            Assert.True(watch.Elapsed < Prompt, $"RecordAsync took {watch.Elapsed}");
        }

        // The hanging webhook's request may arrive after the others are done: it is sent beside them, not before.
        await Eventually.HoldsAsync(() => working.Requests.Count == 3 && subscriber.Received.Count == 3 && hanging.Requests.Count > 0, Timeout, "the working webhook and MQTT take all three, the hanging one the first");
        Assert.Equal(ids, working.Requests.Select(r => r.AlertId));
        Assert.Equal(ids, subscriber.Received.Select(m => SampleAlerts.Field(m.Payload, "id")));
        Assert.Equal(["ent-1.p1.down.1"], hanging.Requests.Select(r => r.AlertId));
        // A change counts as delivered once its answer is back: a moment after the receiver has it.
        var status = StatusOf(cluster);
        await Eventually.HoldsAsync(() => status.For(WebhookOutbox.TargetName(2)).Delivered >= 3, Timeout, "the working webhook's three deliveries counted");
        Assert.Equal((0L, 3L), (status.For(WebhookOutbox.TargetName(0)).Delivered, status.For(WebhookOutbox.TargetName(2)).Delivered));
    }

    [Fact]
    public async Task A_change_made_while_the_broker_is_unreachable_is_published_once_it_is_back_and_again_after_a_lost_connection()
    {
        await using var gate = new TcpGate(broker.Port);
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var subscriber = await MqttTestClient.ConnectAsync(broker.Port, "om/v1/alerts/ent-2/#");
        await using var cluster = await StartClusterAsync(gate.Port, webhook.Url);
        var book = cluster.Grains.GetGrain<IAlertBookGrain>("ent-2");

        var watch = Stopwatch.StartNew();
        await book.RecordAsync([SampleAlerts.Raised("ent-2.p1.down.1", "line:ent-2/p1")]);
        Assert.True(watch.Elapsed < Prompt, $"RecordAsync took {watch.Elapsed}");
        Assert.Equal("ent-2.p1.down.1", (await webhook.NextAsync()).AlertId);
        Assert.Empty(subscriber.Received);

        gate.Open();
        await Eventually.HoldsAsync(() => subscriber.Received.Count == 1, Timeout, "the queued change published after the broker came back");

        gate.Cut();
        await book.RecordAsync([SampleAlerts.Raised("ent-2.p1.down.2", "line:ent-2/p1")]);
        await Eventually.HoldsAsync(() => subscriber.Received.Count == 2, Timeout, "the next change published over a new connection");
        Assert.Equal(["ent-2.p1.down.1", "ent-2.p1.down.2"], subscriber.Received.Select(m => SampleAlerts.Field(m.Payload, "id")));

        // Counted once the broker's acknowledgement is back: it may follow the subscriber's copy.
        var mqtt = StatusOf(cluster).For(MqttAlertOutbox.Name);
        await Eventually.HoldsAsync(() => mqtt.Delivered >= 2, Timeout, "both publishes counted delivered");
        Assert.Equal(2, mqtt.Delivered);
    }

    private static Task<MonitorCluster> StartClusterAsync(int mqttPort, params string[] webhooks)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alerts:PublishMqtt"] = "true",
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = mqttPort.ToString(),
        };
        for (var i = 0; i < webhooks.Length; i++)
        {
            settings[$"Alerts:Webhooks:{i}"] = webhooks[i];
        }

        return MonitorCluster.StartAsync(TestRegistry.Small(), new FakeTimeProvider(SampleAlerts.RaisedAt), settings: settings);
    }

    private static AlertDeliveryStatus StatusOf(MonitorCluster cluster) =>
        cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<AlertDeliveryStatus>();
}
