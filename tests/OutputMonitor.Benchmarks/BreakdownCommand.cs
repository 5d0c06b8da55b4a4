using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Serialization;
using OutputMonitor.Lines;
using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// <c>breakdown</c>: where the time and memory of ingest go, without a profiler: the per-reading work
/// of a line grain alone, what one state write costs as a line's state grows, the storage writes
/// and bytes per reading during a co-hosted run (with and without roll-ups), and the idle cost of
/// the push timers.
/// </summary>
internal static class BreakdownCommand
{
    public static async Task<int> RunAsync(CoreSettings settings)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"OutputMonitor breakdown, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        PerReadingWork();
        Console.WriteLine();
        await StateWritesAsync();
        Console.WriteLine();
        await IngestWritesAsync(settings);
        Console.WriteLine();
        await TimersAsync(settings);
        Console.WriteLine();
        Console.WriteLine($"whole run: {total.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    /// <summary>A. What LineGrain.IngestAsync does per reading, measured on one thread without Orleans.</summary>
    private static void PerReadingWork()
    {
        Console.WriteLine("A. Per-reading work of a line grain, alone (one thread, no Orleans), after a warm-up pass");
        var table = new Table("step", "ns/reading", "allocated B/reading");
        var now = DateTimeOffset.UtcNow;
        var nowMs = now.ToUnixTimeMilliseconds();
        const int Count = 300_000;

        var sink = new Reading[1024];
        var random = new Random(1);
        table.Add(["make the Reading (id string, its key, the record), as the load generator does", .. Measure(Count, i =>
            sink[i & 1023] = Reading.Output($"m-{1:x4}-{i:x12}", now.AddMilliseconds(-random.Next(3_600_000)), good: 5))]);

        var ids = Enumerable.Range(0, Count).Select(i => $"m-0001-{i:x12}").ToArray();
        var hashes = new ulong[Count];
        table.Add(["Reading.KeyOf (XxHash3 of channel + id)", .. Measure(Count, i => hashes[i] = Reading.KeyOf(TelemetryChannel.Output, ids[i]))]);
        var dedupe = new DedupeWindow();
        table.Add([$"DedupeWindow.TryAdd, growing to {Count:N0} ids", .. Measure(Count, i => dedupe.TryAdd(hashes[i], nowMs))]);

        var buckets = new BucketSet();
        var pending = new BucketSet();
        var zone = PlantCalendar.GetZone(PlantCalendar.DefaultTimeZone);
        var day = PlantCalendar.LocalDate(now, zone).DayNumber;
        var totals = new Totals(5, 0, 0m, 12.5m);
        var timestamps = Enumerable.Range(0, Count).Select(_ => nowMs - random.Next(3_600_000)).ToArray();
        table.Add(["BucketSet.Add into the buckets and one outbox (minute, hour, day: 6 dictionary updates)", .. Measure(Count, i =>
        {
            buckets.Add(timestamps[i], day, totals);
            pending.Add(timestamps[i], day, totals);
        })]);

        // A grain call's readings as the gateway encodes them and the silo decodes them (the codec alone, no messaging).
        var serializer = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(Reading).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>();
        IReadOnlyList<Reading> call = [.. Enumerable.Range(0, 100).Select(i => Reading.Output($"b-ent-00000-line-000-{i:x10}", now, good: 5, seq: i))];
        var wire = serializer.SerializeToArray(call);
        table.Add([$"Orleans codec: a call of 100 readings encoded ({wire.Length / call.Count} B/reading)", .. Codec(_ => serializer.SerializeToArray(call))]);
        table.Add(["Orleans codec: that call decoded", .. Codec(_ => serializer.Deserialize<IReadOnlyList<Reading>>(wire))]);

        table.Print("   ");
        Console.WriteLine("   The grain's own arithmetic is the rows above the codec's summed (the day number is cached per grain); compare with CPU µs/reading of section C.");

        // What the window keeps per remembered id (index + segment lists), as a full line holds them.
        var (_, retained) = Weigh(() =>
        {
            var window = new DedupeWindow();
            foreach (var hash in hashes)
            {
                window.TryAdd(hash, nowMs);
            }

            return window;
        }, copies: 4);
        Console.WriteLine($"   DedupeWindow memory with {Count:N0} ids: {retained / Count:N1} bytes per id (flat index and segment lists).");

        // Run twice: a few thousand calls are not enough for the codecs to reach their optimized code.
        string[] Codec(Action<int> action)
        {
            Measure(Count / 10, action, call.Count);
            return Measure(Count / 10, action, call.Count);
        }
    }

    /// <summary>B. One state write serializes the whole line state: its cost as the state grows.</summary>
    private static async Task StateWritesAsync()
    {
        Console.WriteLine("B. One line-state write serializes the LineGrainState: open dedupe segment and open history ranges (every ingest call and every push round writes once)");
        var host = BenchHosts.BuildSilo(BenchHosts.FreeLoopbackPort(), BenchHosts.FreeLoopbackPort(), pushInterval: null);
        await host.StartAsync();
        try
        {
            var serializer = host.Services.GetRequiredService<Serializer>();
            var config = new RegistryIndex(GeneratedRegistry.Create(1).Document).Find(ScopeId.Line("ent-00000", "line-000"))!;
            var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

            // Once for the lazy parts (the plant zone, codecs), so that the rows weigh the state alone.
            serializer.SerializeToArray(MakeLineState(config, 10, k => nowMs - k));
            var table = new Table("line state after", "in memory", "serialized", "µs per write (serialize)", "allocated per write", "dedupe ids", "minute buckets");
            (string Name, int Readings, long SpacingMs)[] cases =
            [
                ("5 readings in the last hour", 5, 600_000),
                ("300 readings in the last hour", 300, 12_000),
                ("1 day, one reading a minute", 1_440, 60_000),
                ("1 day, one reading every 10 s", 8_640, 10_000),
                ("1 day, one reading a second", 86_400, 1_000),
                ("7 days, one reading a minute", 7 * 1_440, 60_000),
                ("90 days, one reading a minute", 90 * 1_440, 60_000),
            ];
            foreach (var (name, readings, spacing) in cases)
            {
                table.Add([name, .. StateWriteRow(serializer, () => MakeLineState(config, readings, k => nowMs - ((readings - k) * spacing)), Math.Max(2, 400_000 / readings))]);
            }

            table.Print("   ");
            Console.WriteLine("   In memory: the LineGrainState object graph alone (no Orleans activation, no storage copy). Serialized: what every write hands to storage");
            Console.WriteLine("   (the in-memory storage keeps it; Redis would receive it). A day of dedupe ids is kept (Rollup:DedupeWindow 24 h), minute buckets 48 h;");
            Console.WriteLine("   the ids beyond the open segment are in archived chunks, written once each, not with every write.");
        }
        finally
        {
            BenchHosts.SilenceLogs();
            await host.StopAsync();
            host.Dispose();
            BenchHosts.RestoreLogs();
        }
    }

    /// <summary>C. Storage writes and their bytes during co-hosted ingest, with the default roll-ups and with roll-ups held back.</summary>
    private static async Task IngestWritesAsync(CoreSettings settings)
    {
        Console.WriteLine($"C. Co-hosted ingest, batch {settings.Batch}, {settings.InFlight} in flight, {settings.Lines:N0} lines, {settings.Seconds} s, storage serializer instrumented");
        var table = new Table(
            "roll-ups", "readings/s", "CPU µs/reading", "alloc B/reading", "line writes/call", "B/line write", "µs/line write", "aggregate writes/s", "B/aggregate write", "µs/aggregate write");
        foreach (var interval in new TimeSpan?[] { null, TimeSpan.FromMinutes(10) })
        {
            var counter = new StorageWriteCounter();
            var host = BenchHosts.BuildSilo(BenchHosts.FreeLoopbackPort(), BenchHosts.FreeLoopbackPort(), interval, configure: counter.AddTo);
            await host.StartAsync();
            try
            {
                var grains = host.Services.GetRequiredService<IGrainFactory>();
                var registry = GeneratedRegistry.Create(settings.Lines);
                await grains.GetRegistryGrain().ReplaceAsync(registry.Document);
                IReadOnlyDictionary<string, (long Writes, long Bytes, TimeSpan Time)>? start = null, end = null;
                var result = await IngestLoad.RunAsync(
                    grains,
                    registry.Lines,
                    new LoadSettings(settings.Batch, settings.InFlight, settings.Warmup, TimeSpan.FromSeconds(settings.Seconds)),
                    window: opening => (opening ? ref start : ref end) = counter.Snapshot());
                var line = Delta(start!, end!, nameof(LineGrainState));
                var aggregate = Delta(start!, end!, "AggregateGrainState");
                table.Add(
                    interval is null ? "on (PushInterval 250 ms, default)" : "held back (PushInterval 10 min)",
                    $"{result.ReadingsPerSecond:N0}",
                    $"{result.CpuMicrosecondsPerReading:0.00}",
                    $"{result.AllocatedPerReading:N0}",
                    $"{line.Writes / (double)Math.Max(1, result.Calls):0.00}",
                    Size(line.Bytes / (double)Math.Max(1, line.Writes)),
                    $"{line.Time.TotalMicroseconds / Math.Max(1, line.Writes):0}",
                    $"{aggregate.Writes / result.Seconds:N0}",
                    Size(aggregate.Bytes / (double)Math.Max(1, aggregate.Writes)),
                    aggregate.Writes == 0 ? "" : $"{aggregate.Time.TotalMicroseconds / aggregate.Writes:0}");
            }
            finally
            {
                BenchHosts.SilenceLogs();
                await host.StopAsync();
                host.Dispose();
                BenchHosts.RestoreLogs();
            }
        }

        table.Print("   ");
        Console.WriteLine("   line writes/call > 1: the push round writes the line again before it sends. Aggregate writes: enterprises, regions, chains.");
        Console.WriteLine("   µs/write: wall time inside the storage serializer (under load: includes preemption and GC pauses it triggered), not the");
        Console.WriteLine("   store call nor the copy the in-process store keeps.");
    }

    /// <summary>D. The push timers with no telemetry: CPU of an idle silo with and without active lines.</summary>
    private static async Task TimersAsync(CoreSettings settings)
    {
        var pushInterval = settings.PushInterval ?? new RollupOptions().PushInterval;
        Console.WriteLine($"D. Idle cost of the push timers (PushInterval {pushInterval.TotalMilliseconds:0} ms, one timer per active scope grain)");
        var table = new Table("active lines", "idle CPU (cores)", "timer ticks/s", "µs per tick (over the empty silo)");
        var host = BenchHosts.BuildSilo(BenchHosts.FreeLoopbackPort(), BenchHosts.FreeLoopbackPort(), settings.PushInterval);
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            await grains.GetRegistryGrain().GetVersionAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var empty = await IdleCoresAsync();
            table.Add("0", $"{empty:0.00}", "0", "");
            var registry = GeneratedRegistry.Create(settings.Lines);
            await grains.GetRegistryGrain().ReplaceAsync(registry.Document);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var busy = await IdleCoresAsync();
            var scopes = registry.Lines.Count + registry.Enterprises + GeneratedRegistry.Cities + 1 + GeneratedRegistry.Chains;
            var ticks = scopes / pushInterval.TotalSeconds;
            table.Add($"{registry.Lines.Count:N0}", $"{busy:0.00}", $"{ticks:N0}", $"{(busy - empty) * 1e6 / ticks:0.0}");
        }
        finally
        {
            BenchHosts.SilenceLogs();
            await host.StopAsync();
            host.Dispose();
            BenchHosts.RestoreLogs();
        }

        table.Print("   ");
        Console.WriteLine("   Every scope grain ticks every PushInterval whether or not it has anything to push; timers registered in the same");
        Console.WriteLine("   registry load fire together (no jitter), so the ticks arrive as one burst per interval.");
    }

    private static async Task<double> IdleCoresAsync()
    {
        var start = ProcessSample.Take();
        await Task.Delay(TimeSpan.FromSeconds(3));
        return ProcessSample.Take().Since(start).CoresUsed;
    }

    /// <summary>One row of B; nothing of it outlives the call, so that the next row weighs its own states only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string[] StateWriteRow(Serializer serializer, Func<LineGrainState> make, int copies)
    {
        var (state, inMemory) = Weigh(make, copies);
        var bytes = serializer.SerializeToArray(state).Length;
        var cost = Measure(Math.Max(20, 2_000_000 / Math.Max(bytes, 1)), _ => serializer.SerializeToArray(state));
        return [Size(inMemory), Size(bytes), $"{double.Parse(cost[0]) / 1000:N1}", $"{cost[1]} B", $"{state.Dedupe.Count:N0}", $"{state.Buckets.Minutes.Count:N0}"];
    }

    /// <summary>
    /// The heap an object graph takes, weighed over <paramref name="copies"/> copies so that what the
    /// idle silo allocates meanwhile does not count; returns one copy. The copies die with this frame.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (T One, double Bytes) Weigh<T>(Func<T> make, int copies)
    {
        var before = MemorySample.AfterFullGc().Heap;
        var all = new T[copies];
        for (var i = 0; i < copies; i++)
        {
            all[i] = make();
        }

        var bytes = (MemorySample.AfterFullGc().Heap - before - ((copies * (long)IntPtr.Size) + 24)) / (double)copies;
        GC.KeepAlive(all);
        return (all[0], bytes);
    }

    private static LineGrainState MakeLineState(ScopeConfig config, int readings, Func<int, long> timestamp)
    {
        var zone = PlantCalendar.GetZone(config.TimeZone);
        var retention = new RollupOptions();
        var state = new LineGrainState { Config = config };
        state.Outboxes.Add(new Outbox { Parent = config.Parents[0], StatusChanged = false });
        for (var k = 0; k < readings; k++)
        {
            var ts = timestamp(k);
            state.Dedupe.TryAdd(Reading.KeyOf(TelemetryChannel.Output, $"d-0-{k:x}"), ts);
            state.AddToHistory(ts, PlantCalendar.LocalDate(ts, zone).DayNumber, new Totals(5, 0, 0m, 12.5m));
            state.LastSeen = ts;
            if (k % 60 == 59)
            {
                Maintain(ts);
            }
        }

        Maintain(state.LastSeen ?? 0);
        return state;

        // As the grain does (its maintenance, and before it writes): full dedupe segments and closed
        // history ranges leave the state for chunks stored apart (written once each); what is past
        // retention goes.
        void Maintain(long now)
        {
            foreach (var segment in state.Dedupe.Sealed(now).ToList())
            {
                state.Dedupe.CompleteArchive(segment, state.Dedupe.PlanArchive(segment).Key);
            }

            state.Dedupe.Expire(now, retention.DedupeWindow, retention.MaxDedupeIdsPerLine);
            var today = PlantCalendar.LocalDate(now, zone).DayNumber;
            HistoryArchive.Prune(state, now, today, retention);

            HistoryArchive.PlanFolds(state, now, today);
            foreach (var (key, content) in state.Folding.ToList())
            {
                state.Folding.Remove(key);
                state.HistoryChunks[key] = content.Generation;
            }
        }
    }

    private static (long Writes, long Bytes, TimeSpan Time) Delta(
        IReadOnlyDictionary<string, (long Writes, long Bytes, TimeSpan Time)> start, IReadOnlyDictionary<string, (long Writes, long Bytes, TimeSpan Time)> end, string type)
    {
        var a = start.GetValueOrDefault(type);
        var b = end.GetValueOrDefault(type);
        return (b.Writes - a.Writes, b.Bytes - a.Bytes, b.Time - a.Time);
    }

    /// <summary>Runs <paramref name="action"/> once to warm up and then <paramref name="count"/> times: ns and allocated bytes per call.</summary>
    /// <summary>ns and bytes allocated per item: <paramref name="count"/> calls of the action, <paramref name="items"/> items each.</summary>
    private static string[] Measure(int count, Action<int> action, int items = 1)
    {
        action(0);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            action(i);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        return [$"{elapsed.TotalNanoseconds / count / items:0}", $"{bytes / (double)count / items:N0}"];
    }

    private static string Size(double bytes) => bytes >= 10 * 1024 ? $"{bytes / 1024:N1} KB" : $"{bytes:N0} B";
}
