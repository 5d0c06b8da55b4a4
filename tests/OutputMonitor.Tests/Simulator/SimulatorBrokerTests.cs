using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using OutputMonitor.Registry;
using OutputMonitor.Simulator;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Simulator;

/// <summary>The real publisher against a real mosquitto on a loopback port.</summary>
public class SimulatorBrokerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Messages_of_all_four_channels_arrive_for_demo_lines_and_meet_the_contract()
    {
        var broker = new MosquittoBroker();
        await broker.InitializeAsync();
        try
        {
            await using var subscriber = await Subscriber.ConnectAsync(broker.Port);
            using var simulator = await StartSimulatorAsync(broker.Port);

            var demo = SimulationRun.RegistryLines(RegistryJson.LoadDemo());
            await WaitForAsync(() => subscriber.Channels(demo).Count == 4, "output, shipment, state and sensor messages for demo lines");

            foreach (var (topic, payload, at) in subscriber.Received)
            {
                TelemetryContract.Check(topic, payload, at, demo);
            }

            await simulator.StopAsync();
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_simulator_waits_for_a_late_broker_and_carries_on_after_it_restarts()
    {
        // The simulator starts first: nothing listens on the port yet.
        var broker = new MosquittoBroker();
        using var simulator = await StartSimulatorAsync(broker.Port);
        try
        {
            await broker.InitializeAsync();
            var first = await Subscriber.ConnectAsync(broker.Port);
            await WaitForAsync(() => !first.Received.IsEmpty, "messages once the broker is up");
            await first.DisposeAsync();

            await broker.RestartAsync();
            await using var second = await Subscriber.ConnectAsync(broker.Port);
            await WaitForAsync(() => second.Received.Count(r => r.Topic.EndsWith("/output", StringComparison.Ordinal)) >= 10, "output after the broker restarted");

            await simulator.StopAsync();
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    private static async Task<IHost> StartSimulatorAsync(int port)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Host"] = "127.0.0.1",
            ["Simulator:Port"] = port.ToString(),
            ["Simulator:Backfill"] = "false",
            ["Simulator:Speed"] = "300",
        });
        builder.AddOutputMonitorSimulator();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Timeout, $"timed out after {Timeout.TotalSeconds} s waiting for {what}");
            await Task.Delay(25);
        }
    }

    /// <summary>An MQTTnet client subscribed to om/v1/# that keeps what arrives, with the time it arrived.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

        public ConcurrentQueue<(string Topic, byte[] Payload, long AtMs)> Received { get; } = new();

        public static async Task<Subscriber> ConnectAsync(int port)
        {
            var subscriber = new Subscriber();
            subscriber._client.ApplicationMessageReceivedAsync += e =>
            {
                subscriber.Received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                return Task.CompletedTask;
            };
            await subscriber._client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"sim-test-{Guid.NewGuid():N}").Build());
            await subscriber._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("om/v1/#").WithAtLeastOnceQoS()).Build());
            return subscriber;
        }

        public HashSet<string> Channels(HashSet<string> lines) =>
        [
            .. Received.Select(r => r.Topic.Split('/')).Where(t => t.Length == 5 && lines.Contains($"{t[2]}/{t[3]}")).Select(t => t[4]),
        ];

        public async ValueTask DisposeAsync()
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }

            _client.Dispose();
        }
    }
}
