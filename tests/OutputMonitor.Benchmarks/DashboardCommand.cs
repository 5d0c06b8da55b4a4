using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using OutputMonitor.Registry;
using OutputMonitor.Web.Hosting;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// Publish-to-dashboard latency: the one-process product (silo, embedded broker, gateway, web)
/// on loopback, MQTT publishers at a steady rate of single-reading QoS 1 messages, and SignalR
/// clients each subscribed to one enterprise and two of its lines. A snapshot showing a total of
/// G for a scope is as fresh as the G-th message published to that scope: its latency is the time
/// from that publish to the snapshot's arrival. The baseline, in the same run, is a plain MQTT
/// subscriber's publish-to-receive latency on the same broker and stream.
/// </summary>
internal static class DashboardCommand
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var rate = options.Int("rate", 10_000);
        var clients = options.Int("clients", 50);
        var lineCount = options.Int("lines", 1000);
        var publishers = options.Int("publishers", 4);
        var warmup = TimeSpan.FromSeconds(options.Int("warmup", 5));
        var measure = TimeSpan.FromSeconds(options.Int("seconds", 20));

        var exceptions = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        AppDomain.CurrentDomain.FirstChanceException += (_, e) => exceptions.AddOrUpdate($"{e.Exception.GetType().Name}: {e.Exception.Message[..Math.Min(100, e.Exception.Message.Length)]} @ {e.Exception.TargetSite?.DeclaringType?.Name}.{e.Exception.TargetSite?.Name}", 1, (_, n) => n + 1);
        TaskScheduler.UnobservedTaskException += (_, e) =>
        {
            var inner = e.Exception.InnerException ?? e.Exception;
            exceptions.AddOrUpdate($"unobserved {inner.GetType().Name}: {inner.Message[..Math.Min(100, inner.Message.Length)]} @ {inner.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}", 1, (_, n) => n + 1);
        };
        var registry = GeneratedRegistry.Create(lineCount);
        Console.WriteLine($"dashboard: {rate:N0} msg/s (1 reading each, QoS 1) from {publishers} publishers over {registry.Describe()}; {clients} SignalR clients, each on 1 enterprise + 2 of its lines; warm-up {warmup.TotalSeconds} s, measured {measure.TotalSeconds} s");

        var registryFile = Path.Combine(Path.GetTempPath(), $"om-bench-dashboard-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(registryFile, RegistryJson.Serialize(registry.Document));
        var httpPort = BenchHosts.FreeLoopbackPort();
        var mqttPort = BenchHosts.FreeLoopbackPort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{httpPort}",
            ["Registry:Path"] = registryFile,
            ["Mqtt:Port"] = mqttPort.ToString(),
            ["Simulator:Enabled"] = "false",
            ["Orleans:SiloPort"] = BenchHosts.FreeLoopbackPort().ToString(),
            ["Orleans:GatewayPort"] = BenchHosts.FreeLoopbackPort().ToString(),
        });
        foreach (var (option, key) in new[] { ("receive-maximum", "Mqtt:ReceiveMaximum"), ("partitions", "Gateway:Partitions"), ("push-interval", "Rollup:PushInterval") })
        {
            if (options.Text(option) is { } value)
            {
                builder.Configuration.AddInMemoryCollection([new(key, value)]);
            }
        }

        builder.Logging.ClearProviders().AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.AddOutputMonitorWeb();
        await using var app = builder.Build();
        app.MapOutputMonitorWeb();
        await app.StartAsync();

        // 1. Baseline: the same publishers and rate through the same broker to a plain subscriber, on
        //    topics the gateway ignores (outside om/v1/), before the product gets any load.
        var rawLog = new PublishLog();
        var raw = new Latencies { From = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency) };
        await using (var subscriber = await Mqtt.ConnectAsync(mqttPort, "bench-baseline"))
        {
            subscriber.Client.ApplicationMessageReceivedAsync += e =>
            {
                var now = Stopwatch.GetTimestamp();
                var id = JsonDocument.Parse(e.ApplicationMessage.Payload).RootElement.GetProperty("id").GetString()!;
                raw.Add("mqtt: publish → embedded broker → plain subscriber (baseline)", rawLog.TicksOfMessage(long.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)), now);
                return Task.CompletedTask;
            };
            await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("bench/raw/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
            var rawClock = Stopwatch.StartNew();
            var rawSent = (await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => PublishAsync(p, publishers, mqttPort, registry, rate, warmup + measure, rawLog, "bench/raw/")))).Sum();
            Console.WriteLine($"baseline: published {rawSent:N0} messages in {rawClock.Elapsed.TotalSeconds:0.0} s = {rawSent / rawClock.Elapsed.TotalSeconds:N0} msg/s");
        }

        // 2. The product: dashboards subscribed, the same stream into om/v1/.
        var log = new PublishLog();
        var latencies = new Latencies();

        // Dashboard clients.
        var connections = new List<HubConnection>();
        for (var i = 0; i < clients; i++)
        {
            var enterprise = registry.Document.Enterprises[i % registry.Enterprises];
            var connection = new HubConnectionBuilder().WithUrl($"http://127.0.0.1:{httpPort}/hubs/monitor").Build();
            connection.On<JsonElement>("snapshot", snapshot =>
            {
                var now = Stopwatch.GetTimestamp();
                var scope = snapshot.GetProperty("scope").GetString()!;
                var good = snapshot.GetProperty("today").GetProperty("good").GetInt64();
                latencies.Seen(scope, good);
                if (good > 0)
                {
                    latencies.Add(scope.StartsWith("line:", StringComparison.Ordinal) ? "dashboard: line scope" : "dashboard: enterprise scope", log.TicksOf(scope, good), now);
                }
            });
            await connection.StartAsync();
            var lines = enterprise.Lines;
            await connection.InvokeAsync<JsonElement>("Subscribe", $"enterprise:{enterprise.Id}");
            await connection.InvokeAsync<JsonElement>("Subscribe", $"line:{enterprise.Id}/{lines[i % lines.Count].Id}");
            await connection.InvokeAsync<JsonElement>("Subscribe", $"line:{enterprise.Id}/{lines[(i + 1) % lines.Count].Id}");
            connections.Add(connection);
        }

        var cpuBefore = ProcessSample.Take();
        var clock = Stopwatch.StartNew();
        var total = warmup + measure;
        var measureFrom = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        latencies.From = measureFrom;
        var publishing = Enumerable.Range(0, publishers).Select(p => PublishAsync(p, publishers, mqttPort, registry, rate, total, log, "om/v1/")).ToList();
        var sent = (await Task.WhenAll(publishing)).Sum();
        var wall = clock.Elapsed;
        var cpu = ProcessSample.Take().Since(cpuBefore);

        // Every scope must end at exactly what was published to it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var enterprises = registry.Document.Enterprises.Take(Math.Min(clients, registry.Enterprises)).Select(e => $"enterprise:{e.Id}").ToList();
        var exact = false;
        while (!exact && DateTime.UtcNow < deadline)
        {
            exact = enterprises.All(e => latencies.LastGood(e) == log.Count(e));
            await Task.Delay(100);
        }

        Console.WriteLine();
        Console.WriteLine($"published {sent:N0} messages in {wall.TotalSeconds:0.0} s = {sent / wall.TotalSeconds:N0} msg/s; process CPU {cpu.CoresUsed:0.00} cores, GC pause {cpu.GcPausePercent:0.0} %, working set {Environment.WorkingSet / (1 << 20):N0} MiB");
        Console.WriteLine($"final snapshots equal what was published, for every subscribed enterprise: {(exact ? "yes" : "NO")}");
        Console.WriteLine();
        Console.WriteLine("| path | samples | p50 ms | p90 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, sorted) in raw.Sorted().Concat(latencies.Sorted()))
        {
            Console.WriteLine($"| {name} | {sorted.Length:N0} | {Q(sorted, 0.50):0} | {Q(sorted, 0.90):0} | {Q(sorted, 0.99):0} | {Q(sorted, 1):0} |");
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        foreach (var (what, count) in exceptions.OrderByDescending(e => e.Value).Take(10))
        {
            Console.WriteLine($"exceptions: {count:N0} × {what}");
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        await app.StopAsync();
        File.Delete(registryFile);
        return 0;
    }

    private static double Q(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>One publisher (under <paramref name="topicRoot"/>): every <paramref name="count"/>-th line from <paramref name="index"/>, so each line has one publisher and keeps its order.</summary>
    private static async Task<long> PublishAsync(int index, int count, int port, GeneratedRegistry registry, int rate, TimeSpan duration, PublishLog log, string topicRoot)
    {
        await using var mqtt = await Mqtt.ConnectAsync(port, $"bench-publisher-{index}");
        var lines = registry.Lines.Where((_, i) => i % count == index).ToArray();
        var perSecond = rate / (double)count;
        using var inFlight = new SemaphoreSlim(256);
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            if (sent >= due)
            {
                await Task.Delay(1);
                continue;
            }

            var line = lines[sent % lines.Length];
            var n = log.Next(line);
            var body = Encoding.UTF8.GetBytes($"{{\"id\":\"m{n}\",\"ts\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()},\"good\":1}}");
            var message = new MqttApplicationMessageBuilder().WithTopic($"{topicRoot}{line.Enterprise}/{line.Line}/output").WithPayload(body).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            await inFlight.WaitAsync();
            pending.Add(PublishOneAsync(mqtt, message, inFlight));
            sent++;
            if (pending.Count > 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
        return sent;
    }

    private static async Task PublishOneAsync(Mqtt mqtt, MqttApplicationMessage message, SemaphoreSlim inFlight)
    {
        try
        {
            await mqtt.Client.PublishAsync(message);
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>When each message was published: by message number, and the n-th message of each line and enterprise.</summary>
    private sealed class PublishLog
    {
        private readonly Dictionary<string, List<long>> _byScope = new(StringComparer.Ordinal);
        private readonly List<long> _byMessage = [];

        public long Next(LineRef line)
        {
            var now = Stopwatch.GetTimestamp();
            lock (this)
            {
                Append($"line:{line.Enterprise}/{line.Line}", now);
                Append($"enterprise:{line.Enterprise}", now);
                _byMessage.Add(now);
                return _byMessage.Count - 1;
            }
        }

        public long TicksOfMessage(long n)
        {
            lock (this)
            {
                return n < _byMessage.Count ? _byMessage[(int)n] : 0;
            }
        }

        /// <summary>When the <paramref name="good"/>-th message of a scope was published (0: unknown).</summary>
        public long TicksOf(string scope, long good)
        {
            lock (this)
            {
                return _byScope.TryGetValue(scope, out var list) && good <= list.Count ? list[(int)good - 1] : 0;
            }
        }

        public long Count(string scope)
        {
            lock (this)
            {
                return _byScope.TryGetValue(scope, out var list) ? list.Count : 0;
            }
        }

        private void Append(string scope, long ticks)
        {
            if (!_byScope.TryGetValue(scope, out var list))
            {
                _byScope[scope] = list = [];
            }

            list.Add(ticks);
        }
    }

    private sealed class Latencies
    {
        private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _lastGood = new(StringComparer.Ordinal);

        public long From { get; set; } = long.MaxValue;

        public void Add(string path, long published, long received)
        {
            if (published == 0 || published < From)
            {
                return;
            }

            lock (this)
            {
                if (!_samples.TryGetValue(path, out var list))
                {
                    _samples[path] = list = [];
                }

                list.Add((received - published) * 1000.0 / Stopwatch.Frequency);
            }
        }

        public void Seen(string scope, long good)
        {
            lock (this)
            {
                _lastGood[scope] = Math.Max(good, _lastGood.GetValueOrDefault(scope));
            }
        }

        public long LastGood(string scope)
        {
            lock (this)
            {
                return _lastGood.GetValueOrDefault(scope);
            }
        }

        public IEnumerable<(string Name, double[] Sorted)> Sorted()
        {
            lock (this)
            {
                return [.. _samples.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value.Order().ToArray()))];
            }
        }
    }
}
