using Microsoft.Extensions.DependencyInjection;
using OutputMonitor.Scopes;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Ingestion;

/// <summary>A gateway process killed mid-stream: its persistent session brings back what it had not acknowledged.</summary>
public sealed class GatewayCrashTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>
{
    [Fact]
    public async Task A_gateway_killed_mid_stream_and_restarted_loses_nothing_and_counts_nothing_twice()
    {
        await using var hosts = await ProductHosts.StartSiloAsync(TestRegistry.Small());
        var clusterId = hosts.Silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OutputMonitor.Silo.OrleansHostOptions>>().Value.ClusterId;
        Dictionary<string, string> settings = new()
        {
            ["Orleans:GatewayPort"] = hosts.GatewayPort.ToString(),
            ["Orleans:ClusterId"] = clusterId,
            ["Mqtt:Host"] = broker.Host,
            ["Mqtt:Port"] = broker.Port.ToString(),
            ["Mqtt:ClientId"] = "crash-gateway",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:OutputMonitor"] = "Information",
            ["Logging:LogLevel:Orleans.OutsideRuntimeClient"] = "Information",
            ["Logging:LogLevel:Orleans.Messaging"] = "Information",
        };
        var line = hosts.Grains.GetLineGrain("ent-1", "p1");
        const int Messages = 3000;

        using (var gateway = ProductProcess.Start(ProductPart.Gateway, settings))
        {
            await using var device = await MqttTestClient.ConnectAsync(broker.Port);
            var now = DateTimeOffset.UtcNow;

            // A message published before the gateway subscribes goes nowhere: wait until probes (good 0) arrive.
            var probe = 0;
            await Eventually.HoldsAsync(
                async () =>
                {
                    await device.PublishAsync("om/v1/ent-1/p1/output", $"{{\"id\":\"probe-{probe++}\",\"ts\":{now.ToUnixTimeMilliseconds()},\"good\":0}}");
                    return (await line.GetSnapshotAsync())!.LastSeen is not null;
                },
                TimeSpan.FromSeconds(60),
                $"the gateway subscribes; it wrote:\n{gateway.Output}");

            var publishing = Task.Run(async () =>
            {
                for (var i = 0; i < Messages; i++)
                {
                    await device.PublishAsync("om/v1/ent-1/p1/output", $"{{\"id\":\"m-{i}\",\"ts\":{now.ToUnixTimeMilliseconds()},\"good\":1}}");
                }
            });

            // Kill it while the stream is flowing: some counted, some queued, some in flight.
            await Eventually.HoldsAsync(async () => (await line.GetSnapshotAsync())!.Today.Good >= 300, TimeSpan.FromSeconds(60), $"the first gateway counts a part of the stream; it wrote:\n{gateway.Output}");
            gateway.Kill();
            await publishing;
            Assert.True((await line.GetSnapshotAsync())!.Today.Good < Messages, "the gateway died before the end of the stream");
        }

        using var restarted = ProductProcess.Start(ProductPart.Gateway, settings);
        await Eventually.HoldsAsync(async () => (await line.GetSnapshotAsync())!.Today.Good == Messages, TimeSpan.FromSeconds(60), $"the restarted gateway counts the rest; it wrote:\n{restarted.Output}");
        await Rollups.FlushAllAsync(hosts.Grains);

        Assert.Equal(Messages, (await hosts.Grains.GetScopeGrain(ScopeId.Parse("region:prov")).GetSnapshotAsync())!.Today.Good);
        Assert.False(restarted.HasExited);
    }
}
