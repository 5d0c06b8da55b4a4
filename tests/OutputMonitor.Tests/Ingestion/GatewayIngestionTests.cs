using System.Text.Json;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Ingestion;

/// <summary>Telemetry from real MQTT clients through a real broker and the gateway into the grains, exactly.</summary>
public sealed class GatewayIngestionTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private ProductHosts _hosts = null!;

    public async Task InitializeAsync() => _hosts = await ProductHosts.StartSiloAsync(TestRegistry.Small());

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    // A shared group per test unless given: a stopped gateway keeps its place in its group, and the
    // broker queues that share for it (see Gateway:LeaveGroupOnStop).
    private Dictionary<string, string?> ExternalBroker(string clientId, string? group = null) => new()
    {
        ["Mqtt:Host"] = broker.Host,
        ["Mqtt:Port"] = broker.Port.ToString(),
        ["Mqtt:ClientId"] = clientId,
        ["Mqtt:SharedGroup"] = group ?? $"g-{clientId}",
    };

    private static string Output(string id, DateTimeOffset ts, long good, long scrap = 0) =>
        JsonSerializer.Serialize(new { id, ts = ts.ToUnixTimeMilliseconds(), good, scrap });

    [Fact]
    public async Task A_known_stream_from_mosquitto_pub_counts_exactly_and_dead_letters_every_bad_item()
    {
        var gateway = await _hosts.StartGatewayAsync(ExternalBroker($"gw-{Guid.NewGuid():N}"));
        var status = ProductHosts.StatusOf(gateway);
        await Eventually.HoldsAsync(() => status.BrokerConnected, Timeout, "the gateway connects");
        await using var deadLetters = await MqttTestClient.ConnectAsync(broker.Port, "om/v1/deadletter/#");

        var now = DateTimeOffset.UtcNow;
        var zone = PlantCalendar.GetZone(TestRegistry.RealClockTimeZone);
        var yesterdayNoon = PlantCalendar.DayStart(PlantCalendar.LocalDate(now, zone).AddDays(-1), zone).AddHours(12).ToOffset(TimeSpan.FromHours(8));
        var published = new List<(string Topic, string Payload)>();
        for (var i = 1; i <= 20; i++)
        {
            published.Add(("om/v1/ent-1/p1/output", Output($"o-{i}", now.AddSeconds(-i), i)));
        }

        published.AddRange(published.ToList());
        published.Add(("om/v1/ent-2/p1/output", $"[{Output("b1", now, 5)},{Output("b2", now, -1)},{Output("b3", now, 7)},{{\"id\":\"b4\",\"ts\":{now.ToUnixTimeMilliseconds()}}}]"));
        published.Add(("om/v1/ent-3/p1/output", $"{{\"id\":\"late-1\",\"ts\":\"{yesterdayNoon:yyyy-MM-ddTHH:mm:ss.fffzzz}\",\"good\":11}}"));
        published.Add(("om/v1/ent-1/s1/shipment", "{\"id\":\"v1\",\"ts\":" + now.ToUnixTimeMilliseconds() + ",\"tons\":52000.5,\"mode\":\"vessel\",\"to\":\"Rizhao\"}"));
        published.Add(("om/v1/ent-1/p1/state", "{\"id\":\"s1\",\"ts\":" + now.ToUnixTimeMilliseconds() + ",\"state\":\"down\",\"reason\":\"CIP cleaning\"}"));
        published.Add(("om/v1/ent-1/p1/output", "{not json"));
        published.Add(("om/v1/ent-1/ghost/output", Output("g1", now, 1)));
        published.Add(("om/v1/ent-1/p1/bogus", Output("x1", now, 1)));
        published.Add(("om/v1/ent-1/p1/output", Output("old", now.AddDays(-8), 1)));

        foreach (var (topic, payload) in published)
        {
            await MqttTestClient.MosquittoPubAsync(broker.Port, topic, payload);
        }

        await Eventually.HoldsAsync(() => status.Messages == published.Count, Timeout, $"{published.Count} messages acknowledged");
        await Rollups.FlushAllAsync(_hosts.Grains);

        Assert.Equal(new Totals(210, 0, 0, 2100m), await TodayAsync("line:ent-1/p1"));
        Assert.Equal(12, (await TodayAsync("line:ent-2/p1")).Good);
        Assert.Equal(52000.5m, (await TodayAsync("enterprise:ent-1")).Tons);
        Assert.Equal(222, (await TodayAsync("region:prov")).Good);
        Assert.Equal("down", (await _hosts.Grains.GetScopeGrain(ScopeId.Parse("line:ent-1/p1")).GetSnapshotAsync())!.State);
        var late = await _hosts.Grains.GetScopeGrain(ScopeId.Parse("region:prov")).GetHistoryAsync(HistoryStep.Day, yesterdayNoon.AddHours(-12), yesterdayNoon.AddHours(12));
        Assert.Equal(11, Assert.Single(late!.Points).Good);
        Assert.Equal(20, status.Duplicates);

        // Every bad item is a dead letter with its code, on the broker and in the store.
        var expected = new[]
        {
            ("om/v1/deadletter/ent-2/p1/output", "value_out_of_range", (int?)1),
            ("om/v1/deadletter/ent-2/p1/output", "schema_violation", 3),
            ("om/v1/deadletter/ent-1/p1/output", "malformed_json", null),
            ("om/v1/deadletter/ent-1/ghost/output", "unknown_line", null),
            ("om/v1/deadletter/unrouted", "bad_topic", null),
            ("om/v1/deadletter/ent-1/p1/output", "timestamp_out_of_range", null),
        };
        await Eventually.HoldsAsync(() => deadLetters.Received.Count >= expected.Length, Timeout, "the dead letters arrive");
        var received = deadLetters.Received.Select(m =>
        {
            using var json = JsonDocument.Parse(m.Payload);
            var index = json.RootElement.TryGetProperty("index", out var i) ? i.GetInt32() : (int?)null;
            return (m.Topic, json.RootElement.GetProperty("code").GetString()!, index);
        });
        Assert.Equal(expected.Order(), received.Order());

        var stored = await _hosts.Grains.GetGrain<IDeadLetterGrain>("ent-1").GetNewestAsync(50);
        Assert.Equal(["malformed_json", "timestamp_out_of_range", "unknown_line"], stored.Select(d => d.Code).Order());
        Assert.Equal(1, status.DeadLetters["bad_topic"]);
    }

    [Fact]
    public async Task The_embedded_broker_takes_single_and_batched_messages_from_an_mqttnet_client()
    {
        var port = MosquittoBroker.FreePort();
        var gateway = await _hosts.StartGatewayAsync(new() { ["Mqtt:Port"] = port.ToString(), ["Mqtt:ClientId"] = "embedded-gw" });
        var status = ProductHosts.StatusOf(gateway);
        await Eventually.HoldsAsync(() => status.BrokerConnected, Timeout, "the gateway connects to the embedded broker");
        await using var device = await MqttTestClient.ConnectAsync(port);

        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 50; i++)
        {
            await device.PublishAsync("om/v1/ent-3/p1/output", Output($"single-{i}", now, 2));
        }

        for (var b = 0; b < 10; b++)
        {
            var batch = string.Join(',', Enumerable.Range(0, 100).Select(i => Output($"batch-{b}-{i}", now.AddMilliseconds(-i), 1, 1)));
            await device.PublishAsync("om/v1/ent-3/p2/output", $"[{batch}]");
        }

        await Eventually.HoldsAsync(() => status.Messages == 60, Timeout, "60 messages acknowledged");
        await Rollups.FlushAllAsync(_hosts.Grains);
        Assert.Equal(100, (await TodayAsync("line:ent-3/p1")).Good);
        Assert.Equal(new Totals(1000, 1000, 0, 100m), await TodayAsync("line:ent-3/p2"));
        Assert.Equal(1100, (await TodayAsync("chain:chain-y")).Good);
        Assert.Equal(1050, status.Readings);
    }

    [Fact]
    public async Task A_burst_of_3000_messages_through_a_16_message_window_is_counted_in_full()
    {
        var port = MosquittoBroker.FreePort();
        var gateway = await _hosts.StartGatewayAsync(new() { ["Mqtt:Port"] = port.ToString(), ["Mqtt:ClientId"] = "burst-gw", ["Mqtt:ReceiveMaximum"] = "16" });
        var status = ProductHosts.StatusOf(gateway);
        await Eventually.HoldsAsync(() => status.BrokerConnected, Timeout, "the gateway connects to the embedded broker");
        await using var device = await MqttTestClient.ConnectAsync(port);

        // 3000 messages at once: far more than the 250 MQTTnet queues per client by default.
        var now = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, 3000).Select(i => device.PublishAsync("om/v1/ent-2/p1/output", Output($"burst-{i}", now, 1))));

        await Eventually.HoldsAsync(() => status.Messages == 3000, Timeout, "all 3000 messages acknowledged");
        Assert.Equal(0, status.BrokerDrops);
        Assert.Equal(3000, (await _hosts.Grains.GetLineGrain("ent-2", "p1").GetSnapshotAsync())!.Today.Good);
    }

    [Fact]
    public async Task A_message_the_embedded_broker_has_to_drop_is_counted()
    {
        var port = MosquittoBroker.FreePort();
        // Only the system's login may publish outside om/v1/ (the bulk topic below).
        var gateway = await _hosts.StartGatewayAsync(new() { ["Mqtt:Port"] = port.ToString(), ["Mqtt:ClientId"] = "drop-gw", ["Mqtt:MaxPendingMessages"] = "2000", ["Mqtt:Username"] = "drop-system", ["Mqtt:Password"] = "drop-secret" });
        var status = ProductHosts.StatusOf(gateway);
        await Eventually.HoldsAsync(() => status.BrokerConnected, Timeout, "the gateway connects to the embedded broker");


        // A subscriber that never reads (a raw MQTT 3.1.1 CONNECT and SUBSCRIBE on a small socket
        // buffer): once its socket is full, the broker queues for it, then has to drop.
        using var stuck = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync(System.Net.IPAddress.Loopback, port);
        byte[] connect = [0x10, 17, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 60, 0, 5, (byte)'s', (byte)'t', (byte)'u', (byte)'c', (byte)'k'];
        byte[] subscribe = [0x82, 11, 0, 1, 0, 6, (byte)'b', (byte)'u', (byte)'l', (byte)'k', (byte)'/', (byte)'#', 1];
        await stuck.SendAsync(connect);
        await stuck.SendAsync(subscribe);
        await using var device = await MqttTestClient.ConnectAsync(port, null, "drop-system", "drop-secret");

        var payload = new byte[64 * 1024];
        var published = 0;
        while (published < 4000 && status.BrokerDrops == 0)
        {
            await device.PublishAsync("bulk/x", payload);
            published++;
        }

        // The first drop comes once Mqtt:MaxPendingMessages (2000) are queued (plus what the sockets hold), not at MQTTnet's default.
        Assert.True(status.BrokerDrops > 0, "a full queue drops, and the drop is counted");
        Assert.InRange(published, 2000, 2500);
        Assert.True(status.BrokerConnected);
    }

    [Fact]
    public async Task Two_gateways_on_one_shared_subscription_count_each_message_once()
    {
        var group = $"shared-{Guid.NewGuid():N}";
        var first = ProductHosts.StatusOf(await _hosts.StartGatewayAsync(ExternalBroker("shared-a", group)));
        var second = ProductHosts.StatusOf(await _hosts.StartGatewayAsync(ExternalBroker("shared-b", group)));
        await Eventually.HoldsAsync(() => first.BrokerConnected && second.BrokerConnected, Timeout, "both gateways connect");

        await using var device = await MqttTestClient.ConnectAsync(broker.Port);
        var now = DateTimeOffset.UtcNow;
        string[] lines = ["ent-1/p1", "ent-2/p1", "ent-3/p1", "ent-3/p2"];
        for (var i = 0; i < 2000; i++)
        {
            await device.PublishAsync($"om/v1/{lines[i % lines.Length]}/output", Output($"m-{i}", now, 1));
        }

        await Eventually.HoldsAsync(() => first.Messages + second.Messages == 2000, Timeout, $"2000 messages acknowledged between the gateways ({first.Messages} + {second.Messages}, {first.Retries + second.Retries} retries)");
        await Rollups.FlushAllAsync(_hosts.Grains);

        Assert.Equal(2000, (await TodayAsync("region:prov")).Good);
        Assert.Equal(2000, first.Readings + second.Readings);
        Assert.Equal(0, first.Duplicates + second.Duplicates);
        Assert.True(first.Messages > 0 && second.Messages > 0, $"both gateways take a share ({first.Messages} / {second.Messages})");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stopped_gateway_leaves_its_group_only_when_told_to_and_otherwise_gets_its_share_when_back(bool leave)
    {
        var group = $"leave-{Guid.NewGuid():N}";
        Dictionary<string, string?> leavingSettings = new(ExternalBroker($"leaving-{Guid.NewGuid():N}", group)) { ["Gateway:LeaveGroupOnStop"] = leave.ToString() };
        var leaving = await _hosts.StartGatewayAsync(leavingSettings);
        var staying = ProductHosts.StatusOf(await _hosts.StartGatewayAsync(ExternalBroker($"staying-{Guid.NewGuid():N}", group)));
        await Eventually.HoldsAsync(() => ProductHosts.StatusOf(leaving).BrokerConnected && staying.BrokerConnected, Timeout, "both gateways connect");
        await leaving.StopAsync();

        await using var device = await MqttTestClient.ConnectAsync(broker.Port);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 400; i++)
        {
            await device.PublishAsync("om/v1/ent-3/p2/output", Output($"leave-{leave}-{i}", now, 1));
        }

        if (leave)
        {
            // Left: the survivor takes everything.
            await Eventually.HoldsAsync(() => staying.Messages == 400, Timeout, $"the survivor takes all 400 ({staying.Messages})");
            return;
        }

        // Kept: the broker queued the stopped gateway's share for it, and it gets it when back.
        var back = ProductHosts.StatusOf(await _hosts.StartGatewayAsync(leavingSettings));
        await Eventually.HoldsAsync(() => staying.Messages + back.Messages == 400, Timeout, $"all 400 between the survivor ({staying.Messages}) and the returning gateway ({back.Messages})");
        Assert.True(back.Messages > 0, "the returning gateway had a share queued for it");
    }

    private async Task<Totals> TodayAsync(string scope) =>
        (await _hosts.Grains.GetScopeGrain(ScopeId.Parse(scope)).GetSnapshotAsync())!.Today;
}
