using System.Diagnostics;
using OutputMonitor.Tests.Support;
using Xunit.Abstractions;

namespace OutputMonitor.Tests.Cluster;

/// <summary>
/// Issue 6's fault drill, on loopback with every part its own process: while a device streams
/// output with duplicates, each part is killed (or restarted) in turn. After each fault the totals
/// at every scope equal what the broker acknowledged to the device, exactly; the open alert is
/// still open under the same id; the dashboard client has the exact figure again. Recovery times
/// (fault to exact totals everywhere) are written to the test output.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Totals_stay_exact_and_alerts_and_dashboards_recover_through_every_fault()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2);

        // One open alert to carry through: ent-2/p1 reports down (its enterprise's grace is 0).
        await MqttTestClient.MosquittoPubAsync(cluster.Broker.Port, "om/v1/ent-2/p1/state", $"{{\"id\":\"down\",\"ts\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()},\"state\":\"down\"}}");
        IReadOnlyList<string>? alert = null;
        await Eventually.HoldsAsync(async () => (alert = await cluster.OpenAlertIdsAsync("line:ent-2/p1")) is { Count: 1 }, Recovery, () => $"the down alert is raised; the parts wrote:{Environment.NewLine}{cluster.Logs}");

        (string Fault, Func<Task> Apply)[] faults =
        [
            ("kill -9 silo-1 (silo-2 takes over), then restart it", async () =>
            {
                cluster.KillSilo(0);
                await cluster.Stream.AcknowledgedAsync(2_000, Recovery);
                await cluster.WaitForExactTotalsAsync(await cluster.Stream.StopAsync(), Recovery);
                cluster.Stream.Start();
                cluster.StartSilo(0);
            }),
            ("kill -9 the gateway, then restart it", () =>
            {
                cluster.KillGateway();
                cluster.StartGateway();
                return Task.CompletedTask;
            }),
            ("kill -9 the web node, then restart it", () =>
            {
                cluster.KillWeb();
                cluster.StartWeb();
                return Task.CompletedTask;
            }),
            ("kill -9 Redis (append-only, fsync always), then restart it", () => cluster.Redis.RestartAsync()),
            ("restart Mosquitto (persistent sessions)", () => cluster.Broker.RestartGracefullyAsync()),
            ("stop every part gracefully, then start them again", async () =>
            {
                await cluster.StopAllAsync();
                cluster.StartAll();
            }),
        ];

        var report = new List<string>();
        foreach (var (fault, apply) in faults)
        {
            // The stream flows before, during and after the fault; then it pauses for the count.
            cluster.Stream.Start();
            await cluster.Stream.AcknowledgedAsync(500, Recovery);
            var clock = Stopwatch.StartNew();
            await apply();
            await cluster.Stream.AcknowledgedAsync(500, Recovery);
            var published = await cluster.Stream.StopAsync();
            await cluster.WaitForExactTotalsAsync(published, Recovery);
            var recovered = clock.Elapsed;

            // The same open alert, once its book answers again (it may have lived on a killed silo).
            IReadOnlyList<string>? open = null;
            await Eventually.HoldsAsync(
                async () => (open = await cluster.OpenAlertIdsAsync("line:ent-2/p1")) is not null,
                Recovery,
                () => $"the alert book answers; the parts wrote:{Environment.NewLine}{cluster.Logs}");
            Assert.Equal(alert, open);
            report.Add($"{fault}: exact totals ({published} units) everywhere and on the dashboard {recovered.TotalSeconds:F1} s after the fault");
            output.WriteLine(report[^1]);
        }

        // The figures for the closing note, also where CI keeps its artifacts.
        Directory.CreateDirectory(Path.Combine(WebProduct.RepositoryRoot, "artifacts"));
        await File.WriteAllLinesAsync(Path.Combine(WebProduct.RepositoryRoot, "artifacts", "fault-recovery.txt"), report);
    }
}

/// <summary>Multi-process cluster tests run one at a time: each starts several .NET processes on the two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
