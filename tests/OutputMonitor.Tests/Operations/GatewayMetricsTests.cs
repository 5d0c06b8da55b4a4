using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OutputMonitor.Diagnostics;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Operations;

/// <summary>The gateway's instruments, on a gateway host (an Orleans client) and its embedded broker.</summary>
public sealed class GatewayMetricsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private ProductHosts _hosts = null!;

    public async Task InitializeAsync() => _hosts = await ProductHosts.StartSiloAsync(TestRegistry.Small());

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    private static string Output(string id, long good) =>
        JsonSerializer.Serialize(new { id, ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), good });

    [Fact]
    public async Task Messages_received_acknowledged_in_flight_their_delay_and_dead_letters_by_code()
    {
        var port = MosquittoBroker.FreePort();
        var gateway = await _hosts.StartGatewayAsync(new() { ["Mqtt:Port"] = port.ToString(), ["Mqtt:ClientId"] = "metrics-gw" });
        var meters = gateway.Services.GetRequiredService<IMeterFactory>();
        using var received = new MetricCollector<long>(meters, MonitorMetrics.MeterName, MonitorMetrics.GatewayMessagesReceived);
        using var acknowledged = new MetricCollector<long>(meters, MonitorMetrics.MeterName, MonitorMetrics.GatewayMessagesAcknowledged);
        using var inFlight = new MetricCollector<long>(meters, MonitorMetrics.MeterName, MonitorMetrics.GatewayMessagesInFlight);
        using var delay = new MetricCollector<double>(meters, MonitorMetrics.MeterName, MonitorMetrics.GatewayAckDelay);
        using var deadLetters = new MetricCollector<long>(meters, MonitorMetrics.MeterName, MonitorMetrics.GatewayDeadLetters);
        using var connected = new MetricCollector<int>(meters, MonitorMetrics.MeterName, MonitorMetrics.GatewayConnected);
        var status = ProductHosts.StatusOf(gateway);
        await Eventually.HoldsAsync(() => status.BrokerConnected, Timeout, "the gateway connects to the embedded broker");
        await using var device = await MqttTestClient.ConnectAsync(port);

        for (var i = 0; i < 5; i++)
        {
            await device.PublishAsync("om/v1/ent-3/p1/output", Output($"m-{i}", 1));
        }

        await device.PublishAsync("om/v1/ent-3/p1/output", Output("m-0", 1));
        await device.PublishAsync("om/v1/ent-3/p1/output", "{not json");

        // 7 from the device, and the dead letter coming back on om/v1/# (acknowledged, not counted as telemetry).
        // A batch's messages are counted just after their acknowledgements are recorded: wait for both.
        await Eventually.HoldsAsync(() => acknowledged.GetMeasurementSnapshot().Sum(m => m.Value) == 8 && status.Messages >= 7, Timeout, "8 messages acknowledged, 7 counted");
        Assert.Equal(7, status.Messages);
        Assert.Equal(8, received.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(0, inFlight.GetMeasurementSnapshot().Sum(m => m.Value));
        var delays = delay.GetMeasurementSnapshot();
        Assert.Equal(8, delays.Count);
        Assert.All(delays, d => Assert.InRange(d.Value, 0, Timeout.TotalSeconds));
        var rejected = Assert.Single(deadLetters.GetMeasurementSnapshot());
        Assert.Equal((1L, "malformed_json"), (rejected.Value, rejected.Tags["code"]));

        connected.RecordObservableInstruments();
        Assert.Equal(1, connected.LastMeasurement!.Value);
    }
}
