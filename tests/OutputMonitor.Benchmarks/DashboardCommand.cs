using System.Diagnostics;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// Publish-to-dashboard latency: the one-process product (silo, gateway, web) on loopback, on an
/// external mosquitto (<c>--broker embedded</c>: on its own broker, in process); MQTT publishers at a
/// steady rate of single-reading QoS 1 messages, and SignalR clients each subscribed to one
/// enterprise and two of its lines. A snapshot showing a total of G for a scope is as fresh as the
/// G-th message published to that scope: its latency is the time from that publish to the
/// snapshot's arrival. The baseline (mosquitto only), in the same run, is a plain MQTT subscriber's
/// publish-to-receive latency on the same broker and stream.
/// </summary>
internal static class DashboardCommand
{
    /// <summary>
    /// The baseline's topics: outside <c>om/v1/#</c>, which the gateway subscribes to (a topic under it
    /// that is not telemetry is dead-lettered: 10,000 dead letters a second swamped the product).
    /// </summary>
    private const string BaselineRoot = "bench/raw/";

    public static async Task<int> RunAsync(CommandLine options)
    {
        // 15 s: the ingest path is cold when the om/v1/ stream starts (the baseline phase does not touch it), and
        // its first 10 s run code the JIT has not tiered up yet (soak: p99 twice the steady rows in the first interval).
        var load = DashboardLoadSettings.From(options, rate: 10_000, warmupSeconds: 15);
        var warmup = load.Warmup;
        var measure = TimeSpan.FromSeconds(options.Int("seconds", 20));

        var exceptions = new ExceptionTally();
        Console.WriteLine($"dashboard: {load.Describe()}, measured {measure.TotalSeconds} s");

        await using var product = await OneProcessProduct.StartAsync(load.Registry, options, defaultBroker: "mosquitto");
        Console.WriteLine($"broker: {product.BrokerName}");

        // 1. Baseline: the same publishers and rate through the same broker to a plain subscriber, on
        //    topics the gateway ignores (outside om/v1/), before the product gets any load. The embedded
        //    broker's ACL lets anonymous clients publish under om/v1/ only, so there is none with it.
        var baselineRoot = options.Text("baseline-root") ?? BaselineRoot;
        var rawLog = new PublishLog();
        var raw = new Latencies { From = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency) };
        if (product.BrokerPid is null)
        {
            Console.WriteLine("baseline: none with the embedded broker (anonymous clients may publish under om/v1/ only, and the gateway takes all of it)");
        }
        else
        {
            await using var subscriber = await Mqtt.ConnectAsync(product.MqttPort, "bench-baseline");
            subscriber.Client.ApplicationMessageReceivedAsync += e =>
            {
                var now = Stopwatch.GetTimestamp();
                var id = JsonDocument.Parse(e.ApplicationMessage.Payload).RootElement.GetProperty("id").GetString()!;
                raw.Add("mqtt: publish → mosquitto → plain subscriber (baseline)", rawLog.TicksOfMessage(long.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)), now);
                return Task.CompletedTask;
            };
            await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(baselineRoot + "#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
            var rawClock = Stopwatch.StartNew();
            var rawSent = await DashboardLoad.PublishAsync(load, product.MqttPort, warmup + measure, rawLog, baselineRoot);
            Console.WriteLine($"baseline: published {rawSent:N0} messages in {rawClock.Elapsed.TotalSeconds:0.0} s = {rawSent / rawClock.Elapsed.TotalSeconds:N0} msg/s");
        }

        // 2. The product: dashboards subscribed, the same stream into om/v1/.
        var log = new PublishLog();
        var latencies = new Latencies();
        await using var dashboards = await DashboardLoad.ConnectAsync(load, product.HttpPort, log, latencies);

        var cpuBefore = ProcessSample.Take();
        var brokerCpu = product.BrokerPid is { } brokerPid ? new ProcSet(("mosquitto", brokerPid)) : null;
        var brokerBefore = brokerCpu?.Sample();
        var clock = Stopwatch.StartNew();
        latencies.From = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var sent = await DashboardLoad.PublishAsync(load, product.MqttPort, warmup + measure, log, "om/v1/");
        var wall = clock.Elapsed;
        var cpu = ProcessSample.Take().Since(cpuBefore);
        var brokerCores = brokerCpu is null ? string.Empty : $"; mosquitto {brokerCpu.CoresUsed(brokerBefore!.Value, brokerCpu.Sample(), wall)[0]:0.00} cores";

        // Every subscribed enterprise must end at exactly what was published to it.
        var enterprises = dashboards.Scopes.Where(s => s.StartsWith("enterprise:", StringComparison.Ordinal)).ToList();
        // An overloaded run ends with a backlog of tens of seconds: the wait must outlast it, or a slow
        // drain would read as a loss.
        var drain = Stopwatch.StartNew();
        var exact = await DashboardLoad.WaitExactAsync(enterprises, latencies, log, TimeSpan.FromSeconds(options.Int("drain-seconds", 180)));
        var drained = drain.Elapsed;

        Console.WriteLine();
        Console.WriteLine($"published {sent:N0} messages in {wall.TotalSeconds:0.0} s = {sent / wall.TotalSeconds:N0} msg/s; process CPU {cpu.CoresUsed:0.00} cores, GC pause {cpu.GcPausePercent:0.0} %, working set {Environment.WorkingSet / (1 << 20):N0} MiB{brokerCores}");
        Console.WriteLine($"final snapshots equal what was published, for every subscribed enterprise: {(exact ? "yes" : "NO")} ({drained.TotalSeconds:0.0} s after the last publish)");
        Console.WriteLine();
        Console.WriteLine("| path | samples | p50 ms | p90 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, sorted) in raw.Sorted().Concat(latencies.Sorted()))
        {
            Console.WriteLine($"| {name} | {sorted.Length:N0} | {DashboardLoad.Quantile(sorted, 0.50):0} | {DashboardLoad.Quantile(sorted, 0.90):0} | {DashboardLoad.Quantile(sorted, 0.99):0} | {DashboardLoad.Quantile(sorted, 1):0} |");
        }

        exceptions.Print();
        return 0;
    }
}
