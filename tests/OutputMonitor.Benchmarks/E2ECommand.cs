using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Scopes;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// <c>e2e</c>: MQTT → gateway → line grains, on loopback, in one run. A mosquitto on a free port; the
/// raw broker's QoS 1 rate (one publisher, one plain subscriber); then the product silo (<c>silo</c>
/// child) and the real gateway exe (child) on that broker, and the same publisher sending N
/// single-reading messages, then N/10 messages of 100 readings, timed until every reading is counted
/// in the line grains (an Orleans client here sums the lines' today.good every 250 ms).
/// </summary>
internal static class E2ECommand
{
    private const int PollMs = 25;

    public static async Task<int> RunAsync(CommandLine options)
    {
        var messages = options.Int("messages", 100_000);
        var batchedMessages = options.Int("batched-messages", Math.Max(1, messages / 5));
        var batch = options.Int("batch", 100);
        var lineCount = options.Int("lines", 1000);
        var window = options.Int("window", 500);
        var pollMs = options.Int("poll-ms", PollMs);
        var warmupMessages = options.Int("warmup-messages", messages);
        var gatewayDll = options.Text("gateway-dll") ?? FindGatewayDll();
        if (!File.Exists(gatewayDll))
        {
            throw new ArgumentException($"gateway dll not found: {gatewayDll} (build it: dotnet build -c Release Gateway/OutputMonitor.Gateway.csproj, or pass --gateway-dll)");
        }

        PrintMachine();
        Console.WriteLine($"e2e: {messages:N0} single-reading messages, {batchedMessages:N0} messages of {batch} readings, {lineCount:N0} lines, publish window {window} (QoS 1)");
        Console.WriteLine($"gateway: {gatewayDll}");
        Console.WriteLine();

        var registry = GeneratedRegistry.Create(lineCount);
        await using var broker = await Mosquitto.StartAsync();
        Console.WriteLine($"mosquitto pid {broker.Pid} on 127.0.0.1:{broker.Port} ({broker.Version})");

        // 1. Raw broker: one publisher, one plain subscriber, QoS 1 both ways.
        var rawPayloads = Payloads.Single(registry.Lines, messages, "raw", topicRoot: "bench/raw/");
        Console.WriteLine($"payload: ~{rawPayloads.Average(p => p.Body.Length):0} B single-reading; e.g. {Encoding.UTF8.GetString(rawPayloads[0].Body)}");
        // A long-running process is past the JIT's tiering: an unmeasured pass first (publisher, broker and subscriber alike).
        if (warmupMessages > 0)
        {
            await RawBrokerAsync(broker, Payloads.Single(registry.Lines, warmupMessages, "rawwarm", topicRoot: "bench/rawwarm/"), window, "bench/rawwarm/#");
        }

        var raw = await RawBrokerAsync(broker, rawPayloads, window, "bench/raw/#");
        Console.WriteLine($"1. raw broker QoS 1: {raw.MessagesPerSecond:N0} msg/s ({raw.Wall.TotalSeconds:0.00} s; publish done at {raw.PublishDone.TotalSeconds:0.00} s) CPU cores: {raw.Cpu}");

        // 2. The pipeline: silo child, gateway child, Orleans client here.
        var siloPort = BenchHosts.FreeLoopbackPort();
        var orleansGatewayPort = BenchHosts.FreeLoopbackPort();
        await using var silo = ChildProcess.Start("silo", "--silo-port", siloPort.ToString(), "--gateway-port", orleansGatewayPort.ToString());
        await silo.WaitForLineAsync(SiloCommand.ReadyLine, TimeSpan.FromSeconds(60));
        var client = BenchHosts.BuildClient(orleansGatewayPort);
        await client.StartAsync();
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var clock = Stopwatch.StartNew();
        var change = await grains.GetRegistryGrain().ReplaceAsync(registry.Document);
        if (!change.Applied)
        {
            throw new InvalidOperationException($"registry refused: {string.Join("; ", change.Errors)}");
        }

        Console.WriteLine($"silo pid {silo.Id}: registry of {registry.Describe()} replaced in {clock.Elapsed.TotalSeconds:0.0} s");

        // Its metrics (on loopback) tell how many line calls the readings took.
        var gatewayMetricsPort = BenchHosts.FreeLoopbackPort();
        await using var gateway = External.Start("dotnet", Path.GetDirectoryName(gatewayDll)!,
            gatewayDll,
            $"--Orleans:GatewayPort={orleansGatewayPort}",
            $"--Orleans:ClusterId={BenchHosts.ClusterId}",
            $"--Orleans:ServiceId={BenchHosts.ServiceId}",
            "--Mqtt:Host=127.0.0.1",
            $"--Mqtt:Port={broker.Port}",
            $"--Mqtt:ClientId=om-bench-gw-{Environment.ProcessId}",
            "--Mqtt:SessionExpirySeconds=10",
            $"--Metrics:Port={gatewayMetricsPort}",
            "--Logging:LogLevel:Default=Warning");
        Console.WriteLine($"gateway pid {gateway.Pid}");
        using var gatewayMetrics = new GatewayMetrics(gatewayMetricsPort);

        var counter = new LineCounter(grains, registry.Lines);
        await using var deadLetters = await DeadLetterWatch.StartAsync(broker.Port);
        await using var publisher = await Mqtt.ConnectAsync(broker.Port, $"bench-pub-{Environment.ProcessId}");

        // The gateway subscribes some time after it starts; messages before that are not for it. Probe one line until a reading is counted.
        clock.Restart();
        var probeLine = new LineCounter(grains, [registry.Lines[0]]);
        for (var probe = 0; await probeLine.CountAsync() == 0; probe++)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the gateway counted no probe reading within 60 s");
            }

            await Publisher.RunAsync(publisher, Payloads.Single([registry.Lines[0]], 1, $"probe{probe}x", TelemetryTopicRoot), 1);
            await Task.Delay(500);
        }

        Console.WriteLine($"gateway ready (a probe reading counted) after {clock.Elapsed.TotalSeconds:0.0} s");
        var probed = await counter.CountPerLineAsync();

        // Warm-up: one reading per line, until all are counted (proves the gateway subscribed and is connected to the silo).
        var warm = Payloads.Single(registry.Lines, registry.Lines.Count, "warm", TelemetryTopicRoot);
        clock.Restart();
        await Publisher.RunAsync(publisher, warm, window);
        var warmed = await counter.WaitForAsync(counter.Targets(probed, warm, 1, TelemetryTopicRoot), probed, TimeSpan.FromSeconds(90), deadLetters, Stopwatch.GetTimestamp(), PollMs);
        Console.WriteLine($"warm-up: {registry.Lines.Count:N0} readings counted in {warmed.Wall.TotalSeconds:0.0} s" + (warmed.Complete ? string.Empty : $" (INCOMPLETE: {warmed.Counted:N0})"));
        if (!warmed.Complete)
        {
            return 1;
        }

        var procs = new ProcSet(("bench", Environment.ProcessId), ("mosquitto", broker.Pid), ("silo", silo.Id), ("gateway", gateway.Pid));
        if (warmupMessages > 0)
        {
            // Unmeasured passes of both shapes, so that the figures are of the tiered-up code a silo and gateway run after their first minute.
            clock.Restart();
            await PipelineAsync("warm-up single (not measured)", publisher, counter, deadLetters, procs, gatewayMetrics,
                Payloads.Single(registry.Lines, warmupMessages, "warmsingle", TelemetryTopicRoot), 1, window, pollMs);
            await PipelineAsync("warm-up batched (not measured)", publisher, counter, deadLetters, procs, gatewayMetrics,
                Payloads.Batched(registry.Lines, Math.Max(1, warmupMessages / 10), batch, "warmbatch", TelemetryTopicRoot), batch, window, pollMs);
            Console.WriteLine($"warm-up passes done in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        var single = await PipelineAsync("single", publisher, counter, deadLetters, procs, gatewayMetrics,
            Payloads.Single(registry.Lines, messages, "single", TelemetryTopicRoot), 1, window, pollMs);
        var batched = await PipelineAsync("batched", publisher, counter, deadLetters, procs, gatewayMetrics,
            Payloads.Batched(registry.Lines, batchedMessages, batch, "batch", TelemetryTopicRoot), batch, window, pollMs);

        // 3. The table.
        Console.WriteLine();
        var table = new Table("figure", "messages", "readings", "wall s", "msg/s", "readings/s", "% of raw msg/s", "CPU cores bench/mosq/silo/gw, other procs", "CPU µs per message bench/mosq/silo/gw", "goal", "met");
        table.Add("raw broker QoS 1 (pub → mosquitto → sub)", $"{messages:N0}", "-", $"{raw.Wall.TotalSeconds:0.00}", $"{raw.MessagesPerSecond:N0}", "-", "100%", raw.Cpu, ProcSet.Format(raw.CpuPerMessage) + "/-/-", "-", "-");
        var singlePercent = 100 * single.MessagesPerSecond / raw.MessagesPerSecond;
        table.Add("pipeline, 1 reading/message", $"{messages:N0}", $"{single.Readings:N0}", $"{single.Wall.TotalSeconds:0.00}", $"{single.MessagesPerSecond:N0}", $"{single.ReadingsPerSecond:N0}", $"{singlePercent:0}%", single.Cpu, ProcSet.Format(single.CpuPerMessage), "≥ 80% of raw QoS 1 msg/s", Met(single.Complete && singlePercent >= 80));
        table.Add($"pipeline, {batch} readings/message", $"{batchedMessages:N0}", $"{batched.Readings:N0}", $"{batched.Wall.TotalSeconds:0.00}", $"{batched.MessagesPerSecond:N0}", $"{batched.ReadingsPerSecond:N0}", $"{100 * batched.MessagesPerSecond / raw.MessagesPerSecond:0}%", batched.Cpu, ProcSet.Format(batched.CpuPerMessage), "≥ 500k readings/s", Met(batched.Complete && batched.ReadingsPerSecond >= 500_000));
        table.Print("   ");
        Console.WriteLine($"   wall: first publish → last message received (raw) / every reading counted in the line grains (pipeline; the lines short of their count polled every {pollMs} ms once publishing is done, up to {LineCounter.PollChunk} at a time, so up to {pollMs} ms late). CPU: cores used by each process over that wall time (/proc/PID/stat), and by all other processes of the machine (/proc/stat; not ~0: the machine was not quiet).");
        if (!single.Complete || !batched.Complete)
        {
            Console.WriteLine("   INCOMPLETE: not every reading was counted (see above); rates are of what was counted.");
        }

        Console.WriteLine($"   dead letters seen: {deadLetters.Count:N0}");

        // What the single-reading goal asks of this machine, where every process shares the same cores.
        var budget = Environment.ProcessorCount * 1e6 / (0.8 * raw.MessagesPerSecond);
        var feeding = single.CpuPerMessage[0] + single.CpuPerMessage[1];
        Console.WriteLine($"   at 80 % of raw ({0.8 * raw.MessagesPerSecond:N0} msg/s) the {Environment.ProcessorCount} cores give {budget:0} µs of CPU per message to all processes; the publisher (bench) and mosquitto took {feeding:0.0} of it in the single-reading run, which leaves {budget - feeding:0.0} µs for the silo and the gateway: they took {single.CpuPerMessage[2] + single.CpuPerMessage[3]:0.0} µs (the raw run's subscriber, in the bench process with the publisher, about {raw.CpuPerMessage[0] - single.CpuPerMessage[0]:0.0}).");

        BenchHosts.SilenceLogs();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await client.StopAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or OrleansException or TimeoutException)
            {
                // Nothing is measured after this.
            }
        }

        client.Dispose();
        return 0;
    }

    private const string TelemetryTopicRoot = "om/v1/";

    private static string Met(bool met) => met ? "yes" : "NO";

    private static async Task<RawResult> RawBrokerAsync(Mosquitto broker, Payload[] payloads, int window, string topicFilter)
    {
        await using var subscriber = await Mqtt.ConnectAsync(broker.Port, $"bench-sub-{Environment.ProcessId}");
        long received = 0;
        long start = 0;
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Client.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref received) == payloads.Length)
            {
                done.TrySetResult(Stopwatch.GetTimestamp());
            }

            return Task.CompletedTask;
        };
        await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(topicFilter).WithAtLeastOnceQoS()).Build());
        await using var publisher = await Mqtt.ConnectAsync(broker.Port, $"bench-rawpub-{Environment.ProcessId}");
        var procs = new ProcSet(("bench", Environment.ProcessId), ("mosquitto", broker.Pid));
        var before = procs.Sample();
        start = Stopwatch.GetTimestamp();
        await Publisher.RunAsync(publisher, payloads, window);
        var published = Stopwatch.GetElapsedTime(start);
        var finished = await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished != done.Task)
        {
            throw new TimeoutException($"raw subscriber received {Interlocked.Read(ref received):N0} of {payloads.Length:N0}");
        }

        var wall = Stopwatch.GetElapsedTime(start, done.Task.Result);
        var after = procs.Sample();
        var cpu = procs.Describe(before, after, Stopwatch.GetElapsedTime(start)).Replace(" other", "/-/- other", StringComparison.Ordinal);
        return new RawResult(wall, published, payloads.Length / wall.TotalSeconds, cpu, procs.MicrosecondsPer(before, after, payloads.Length));
    }

    private static async Task<PipelineResult> PipelineAsync(string name, Mqtt publisher, LineCounter counter, DeadLetterWatch deadLetters, ProcSet procs, GatewayMetrics gateway, Payload[] payloads, int readingsPerMessage, int window, int pollMs)
    {
        var callsBefore = await gateway.ReadAsync(GatewayMetrics.LineCalls);
        var counts = await counter.CountPerLineAsync();
        var countedBefore = counts.Sum();
        var targets = counter.Targets(counts, payloads, readingsPerMessage, TelemetryTopicRoot);
        long readings = (long)payloads.Length * readingsPerMessage;
        GC.Collect();
        var before = procs.Sample();
        var start = Stopwatch.GetTimestamp();

        // Polling starts once every message is with the broker, so that it does not load the silo during the run.
        await Publisher.RunAsync(publisher, payloads, window);
        var published = Stopwatch.GetElapsedTime(start);
        var counted = await counter.WaitForAsync(targets, counts, TimeSpan.FromSeconds(120), deadLetters, start, pollMs);
        var after = procs.Sample();
        var wall = counted.Wall;
        var got = counted.Counted - countedBefore;
        var result = new PipelineResult(counted.Complete, wall, got, payloads.Length * ((double)got / readings) / wall.TotalSeconds, got / wall.TotalSeconds, procs.Describe(before, after, wall), procs.MicrosecondsPer(before, after, payloads.Length));
        var calls = await gateway.ReadAsync(GatewayMetrics.LineCalls) - callsBefore;
        Console.WriteLine($"{name}: {payloads.Length:N0} messages, {got:N0}/{readings:N0} readings counted in {wall.TotalSeconds:0.00} s (publish done at {published.TotalSeconds:0.00} s): {result.MessagesPerSecond:N0} msg/s, {result.ReadingsPerSecond:N0} readings/s; CPU cores {procs.Names}: {result.Cpu}; {calls:N0} line calls, {(calls > 0 ? (double)got / calls : 0):0.0} readings per line call");
        return result;
    }

    private static string FindGatewayDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OutputMonitor.sln")))
            {
                return Path.Combine(dir.FullName, "Gateway", "bin", "Release", "net10.0", "OutputMonitor.Gateway.dll");
            }
        }

        return "OutputMonitor.Gateway.dll";
    }

    private static void PrintMachine()
    {
        var model = "?";
        try
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        }
        catch (IOException)
        {
        }

        Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {model}; {RuntimeInformation.OSDescription}; .NET {Environment.Version}; {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB; {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC (bench, silo), gateway: its own (server)");
    }

    private sealed record RawResult(TimeSpan Wall, TimeSpan PublishDone, double MessagesPerSecond, string Cpu, double[] CpuPerMessage);

    private sealed record PipelineResult(bool Complete, TimeSpan Wall, long Readings, double MessagesPerSecond, double ReadingsPerSecond, string Cpu, double[] CpuPerMessage);
}

/// <summary>A pre-built MQTT message.</summary>
internal sealed record Payload(string Topic, byte[] Body);

internal static class Payloads
{
    private static readonly string Now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One output reading per message, lines round-robin; ids unique per run tag; padded to ~150 B.</summary>
    public static Payload[] Single(IReadOnlyList<LineRef> lines, int count, string tag, string topicRoot)
    {
        var run = $"{tag}{Environment.ProcessId:x}";
        var result = new Payload[count];
        for (var i = 0; i < count; i++)
        {
            var line = lines[i % lines.Count];
            result[i] = new Payload($"{topicRoot}{line.Enterprise}/{line.Line}/output", Encoding.UTF8.GetBytes(Item(run, i, line)));
        }

        return result;
    }

    /// <summary><paramref name="batch"/> output readings per message (a JSON array), all of one line; lines round-robin.</summary>
    public static Payload[] Batched(IReadOnlyList<LineRef> lines, int count, int batch, string tag, string topicRoot)
    {
        var run = $"{tag}{Environment.ProcessId:x}";
        var result = new Payload[count];
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var line = lines[i % lines.Count];
            text.Clear().Append('[');
            for (var r = 0; r < batch; r++)
            {
                text.Append(r == 0 ? string.Empty : ",").Append(Item(run, (i * batch) + r, line));
            }

            result[i] = new Payload($"{topicRoot}{line.Enterprise}/{line.Line}/output", Encoding.UTF8.GetBytes(text.Append(']').ToString()));
        }

        return result;
    }

    private static string Item(string run, long n, LineRef line) =>
        $"{{\"id\":\"{run}-{line.Enterprise}-{line.Line}-{n:D10}\",\"seq\":{n},\"ts\":\"{Now}\",\"good\":1,\"scrap\":0}}";
}

/// <summary>Publishes with at most <c>window</c> QoS 1 publishes awaiting their PUBACK.</summary>
internal static class Publisher
{
    public static async Task RunAsync(Mqtt publisher, Payload[] payloads, int window)
    {
        using var slots = new SemaphoreSlim(window, window);
        var failures = 0;
        Exception? first = null;
        for (var i = 0; i < payloads.Length; i++)
        {
            await slots.WaitAsync();
            _ = PublishOneAsync(payloads[i]);
        }

        for (var i = 0; i < window; i++)
        {
            await slots.WaitAsync();
        }

        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} publishes failed; first: {first}");
        }

        async Task PublishOneAsync(Payload payload)
        {
            try
            {
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(payload.Topic)
                    .WithPayload(payload.Body)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                var result = await publisher.Client.PublishAsync(message);
                if (!result.IsSuccess)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref first, new InvalidOperationException(result.ReasonCode.ToString()), null);
                }
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref first, ex, null);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}

/// <summary>An MQTTnet 5 client, MQTT 5, clean start, on loopback, on the gateway's transport.</summary>
internal sealed class Mqtt : IAsyncDisposable
{
    private Mqtt(IMqttClient client)
    {
        Client = client;
    }

    public IMqttClient Client { get; }

    public static async Task<Mqtt> ConnectAsync(int port, string clientId)
    {
        // The gateway's transport (read-ahead, write-behind, 1 MiB socket buffers): the baseline's
        // clients receive and acknowledge as the gateway does, and with MQTTnet's 8 KB buffers a plain
        // subscriber once stalled for 14 s, which made the baseline a fifth of what it is.
        var client = BufferedClientAdapterFactory.CreateClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(60))
            .Build();
        var result = await client.ConnectAsync(options);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"MQTT connect refused: {result.ResultCode}");
        }

        return new Mqtt(client);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Client.DisconnectAsync();
        }
        catch (Exception)
        {
            // The broker may be gone already.
        }

        Client.Dispose();
    }
}

/// <summary>Counts (and shows the first of) the gateway's dead letters, so that a rejected payload is seen rather than waited for.</summary>
internal sealed class DeadLetterWatch : IAsyncDisposable
{
    private readonly Mqtt _client;
    private long _count;

    private DeadLetterWatch(Mqtt client)
    {
        _client = client;
    }

    public long Count => Interlocked.Read(ref _count);

    public static async Task<DeadLetterWatch> StartAsync(int port)
    {
        var watch = new DeadLetterWatch(await Mqtt.ConnectAsync(port, $"bench-dl-{Environment.ProcessId}"));
        watch._client.Client.ApplicationMessageReceivedAsync += e =>
        {
            if (Interlocked.Increment(ref watch._count) == 1)
            {
                Console.Error.WriteLine($"  dead letter on {e.ApplicationMessage.Topic}: {Encoding.UTF8.GetString(e.ApplicationMessage.Payload)}");
            }

            return Task.CompletedTask;
        };
        await watch._client.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("om/v1/deadletter/#").WithAtLeastOnceQoS()).Build());
        return watch;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}

/// <summary>
/// Today.good of the given lines' snapshots (one call per line, all at once). While waiting, a line that has reached
/// its target is no longer asked, so that the polling costs the silo less and less as the run completes.
/// </summary>
internal sealed class LineCounter(IGrainFactory grains, IReadOnlyList<LineRef> lines)
{
    public IReadOnlyList<LineRef> Lines => lines;

    public async Task<long[]> CountPerLineAsync()
    {
        var snapshots = await Task.WhenAll(lines.Select(l => grains.GetLineGrain(l.Enterprise, l.Line).GetSnapshotAsync()));
        return [.. snapshots.Select(s => s?.Today.Good ?? 0)];
    }

    public async Task<long> CountAsync() => (await CountPerLineAsync()).Sum();

    /// <summary>Lines asked at once; the next ones are asked only when these have their counts.</summary>
    public const int PollChunk = 100;

    /// <summary>
    /// Polls until every line has its target; gives up after <paramref name="stall"/> without progress.
    /// Each round asks the short lines a chunk at a time and stops at a chunk that is still short:
    /// the end is found within one interval, and a long tail costs the silo no more than a chunk a round.
    /// </summary>
    public async Task<(bool Complete, long Counted, TimeSpan Wall)> WaitForAsync(long[] targets, long[] counts, TimeSpan stall, DeadLetterWatch deadLetters, long start, int pollMs)
    {
        var pending = Enumerable.Range(0, lines.Count).Where(i => counts[i] < targets[i]).ToList();
        var lastProgress = Stopwatch.GetTimestamp();
        while (true)
        {
            var progress = false;
            for (var from = 0; from < pending.Count;)
            {
                var polled = pending.Skip(from).Take(PollChunk).ToArray();
                var snapshots = await Task.WhenAll(polled.Select(i => grains.GetLineGrain(lines[i].Enterprise, lines[i].Line).GetSnapshotAsync()));
                var stillShort = false;
                for (var k = 0; k < polled.Length; k++)
                {
                    var good = snapshots[k]?.Today.Good ?? 0;
                    progress |= good != counts[polled[k]];
                    counts[polled[k]] = good;
                    stillShort |= good < targets[polled[k]];
                }

                pending.RemoveAll(i => counts[i] >= targets[i]);
                if (stillShort)
                {
                    break;
                }
            }

            if (pending.Count == 0)
            {
                return (true, counts.Sum(), Stopwatch.GetElapsedTime(start));
            }

            if (progress)
            {
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > stall || (deadLetters.Count > 0 && Stopwatch.GetElapsedTime(lastProgress) > TimeSpan.FromSeconds(5)))
            {
                Console.Error.WriteLine($"  counted {counts.Sum():N0} of {targets.Sum():N0}, {pending.Count} lines short, no progress for {Stopwatch.GetElapsedTime(lastProgress).TotalSeconds:0} s; dead letters: {deadLetters.Count:N0}");
                return (false, counts.Sum(), Stopwatch.GetElapsedTime(start));
            }

            await Task.Delay(pollMs);
        }
    }

    /// <summary>The counts per line that <paramref name="payloads"/> add (by topic) on top of <paramref name="before"/>.</summary>
    public long[] Targets(long[] before, Payload[] payloads, int readingsPerMessage, string topicRoot)
    {
        var index = lines.Select((l, i) => (Topic: $"{topicRoot}{l.Enterprise}/{l.Line}/output", i)).ToDictionary(x => x.Topic, x => x.i, StringComparer.Ordinal);
        var targets = (long[])before.Clone();
        foreach (var payload in payloads)
        {
            targets[index[payload.Topic]] += readingsPerMessage;
        }

        return targets;
    }
}

/// <summary>CPU time of a few processes by id (/proc, through <see cref="Process.TotalProcessorTime"/>).</summary>
internal sealed class ProcSet(params (string Name, int Pid)[] processes)
{
    public string Names => string.Join("/", processes.Select(p => p.Name));

    public (TimeSpan[] Cpu, MachineSample Machine) Sample() => (SampleCpu(), MachineSample.Take());

    private TimeSpan[] SampleCpu() => [.. processes.Select(p =>
    {
        try
        {
            using var process = Process.GetProcessById(p.Pid);
            return process.TotalProcessorTime;
        }
        catch (ArgumentException)
        {
            return TimeSpan.Zero;
        }
    })];

    /// <summary>CPU µs each process used per message (or other item) of a run.</summary>
    public double[] MicrosecondsPer((TimeSpan[] Cpu, MachineSample Machine) before, (TimeSpan[] Cpu, MachineSample Machine) after, long items) =>
        [.. before.Cpu.Select((b, i) => (after.Cpu[i] - b).TotalMicroseconds / items)];

    public static string Format(double[] microseconds) => string.Join("/", microseconds.Select(m => m.ToString("0.0")));

    /// <summary>Cores each process used over <paramref name="wall"/>.</summary>
    public double[] CoresUsed((TimeSpan[] Cpu, MachineSample Machine) before, (TimeSpan[] Cpu, MachineSample Machine) after, TimeSpan wall) =>
        [.. before.Cpu.Select((b, i) => (after.Cpu[i] - b).TotalSeconds / wall.TotalSeconds)];

    /// <summary>Cores each process used, then "other:" the cores the rest of the machine used meanwhile (/proc/stat).</summary>
    public string Describe((TimeSpan[] Cpu, MachineSample Machine) before, (TimeSpan[] Cpu, MachineSample Machine) after, TimeSpan wall)
    {
        var ours = CoresUsed(before, after, wall);
        var other = after.Machine.BusyCoresSince(before.Machine) - ours.Sum();
        return string.Join("/", ours.Select(c => c.ToString("0.00"))) + $" other {Math.Max(0, other):0.00}";
    }
}

/// <summary>A process other than this benchmark (the gateway exe); killed by id at the end.</summary>
internal sealed class External : IAsyncDisposable
{
    private readonly Process _process;

    private External(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public static External Start(string file, string workingDirectory, params string[] args) => StartNamed(Path.GetFileNameWithoutExtension(args.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal)) ?? file), file, workingDirectory, args);

    public static External StartNamed(string name, string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"  [{name} {process.Id}] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"  [{name} {process.Id}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new External(process);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}

/// <summary>mosquitto (Debian package) on a free loopback port with raised queues, killed by id at the end.</summary>
internal sealed class Mosquitto : IAsyncDisposable
{
    private readonly string _directory;

    private Mosquitto(External process, int port, string directory, string version)
    {
        Process = process;
        Port = port;
        _directory = directory;
        Version = version;
    }

    public External Process { get; }

    public int Pid => Process.Pid;

    public int Port { get; }

    public string Version { get; }

    public static async Task<Mosquitto> StartAsync()
    {
        var port = BenchHosts.FreeLoopbackPort();
        var directory = Path.Combine(Path.GetTempPath(), $"om-bench-mosquitto-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_queued_messages 1000000
            max_inflight_messages 0
            log_dest stderr
            log_type error

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var version = "mosquitto";
        try
        {
            using var probe = System.Diagnostics.Process.Start(new ProcessStartInfo("mosquitto", "-h") { RedirectStandardOutput = true, UseShellExecute = false })!;
            version = (await probe.StandardOutput.ReadLineAsync())?.Trim() ?? version;
            await probe.WaitForExitAsync();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("mosquitto is not installed: apt-get install -y mosquitto", ex);
        }

        var process = External.Start("mosquitto", directory, "-c", config);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
                break;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(25);
            }
        }

        return new Mosquitto(process, port, directory, version);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The gateway's counters, read from its Prometheus endpoint on loopback.</summary>
internal sealed class GatewayMetrics(int port) : IDisposable
{
    /// <summary><c>om.gateway.grain_calls</c>: line calls.</summary>
    public const string LineCalls = "om_gateway_grain_calls_total";

    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose() => _http.Dispose();

    public async Task<long> ReadAsync(string counter)
    {
        var text = await _http.GetStringAsync("metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith(counter, StringComparison.Ordinal))
            .Sum(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
