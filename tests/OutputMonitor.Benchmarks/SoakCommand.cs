using System.Diagnostics;
using System.Runtime;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// A long run at a steady rate through the one-process product, with the <c>dashboard</c> command's
/// publishers and SignalR clients: every interval a row of the achieved rate, publish-to-snapshot
/// latency, working set, GC heap, gen-2 collections and threads; at the end whether the totals are
/// exact and how far memory and p99 moved from the first interval to the last.
/// The heap after the runtime's own gen-2 collections holds garbage and fragmentation as well, so
/// each row also forces one compacting full collection and reports what is live: that growth is
/// what the product keeps (the 24 h dedupe ids, the minute buckets), not what the GC has not
/// reclaimed yet. The forced collection stalls the process briefly, once per row.
/// </summary>
internal static class SoakCommand
{
    /// <summary>What "flat" means for the drift figures, first interval against last.</summary>
    private const double MemoryTolerancePercent = 10;
    private const double LatencyTolerancePercent = 50;
    private const double LatencyToleranceMs = 100;

    public static async Task<int> RunAsync(CommandLine options)
    {
        var minutes = options.Int("minutes", 10);
        var load = DashboardLoadSettings.From(options, rate: 2000, warmupSeconds: 30);
        var interval = TimeSpan.FromSeconds(options.Int("interval", 30));
        var retention = TimeSpan.FromSeconds(options.Int("retention", 60));
        var measure = TimeSpan.FromMinutes(minutes);

        var exceptions = new ExceptionTally();
        Console.WriteLine($"soak: {load.Describe()}, then {minutes} min in rows of {interval.TotalSeconds} s");

        await using var product = await OneProcessProduct.StartAsync(load.Registry, options, defaultBroker: "embedded");
        var log = new PublishLog();
        var latencies = new Latencies();
        await using var dashboards = await DashboardLoad.ConnectAsync(load, product.HttpPort, log, latencies);

        var publishing = DashboardLoad.PublishAsync(load, product.MqttPort, load.Warmup + measure, log, "om/v1/");
        await Task.Delay(load.Warmup);
        latencies.From = Stopwatch.GetTimestamp();
        latencies.Drain();

        Console.WriteLine();
        Console.WriteLine("| elapsed | msg/s | line p50 / p95 / p99 ms | enterprise p50 / p95 / p99 ms | unmatched | working set MiB | heap after gen2 MiB | live heap MiB | gen2 | threads | CPU cores |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var rows = new List<SoakRow>();
        var start = Stopwatch.GetTimestamp();
        var previous = (Published: log.Published, Cpu: ProcessSample.Take());
        for (var k = 1; Stopwatch.GetElapsedTime(start) < measure; k++)
        {
            var due = TimeSpan.FromTicks(Math.Min(interval.Ticks * k, measure.Ticks));
            await Task.Delay(due - Stopwatch.GetElapsedTime(start) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
            var (published, cpu) = (log.Published, ProcessSample.Take());
            var (samples, unmatched) = latencies.Drain();
            log.Forget(Stopwatch.GetTimestamp() - (long)(retention.TotalSeconds * Stopwatch.Frequency));
            using var process = Process.GetCurrentProcess();
            var delta = cpu.Since(previous.Cpu);
            var row = new SoakRow(
                Stopwatch.GetElapsedTime(start),
                (published - previous.Published) / delta.Wall.TotalSeconds,
                Percentiles(samples, DashboardLoad.LinePath),
                Percentiles(samples, DashboardLoad.EnterprisePath),
                unmatched,
                process.WorkingSet64,
                HeapAfterLastGen2(),
                LiveHeap(),
                GC.CollectionCount(2),
                process.Threads.Count,
                delta.CoresUsed);
            rows.Add(row);
            Console.WriteLine(row.Format());
            previous = (published, cpu);
        }

        var sent = await publishing;
        var exact = await DashboardLoad.WaitExactAsync(dashboards.Scopes, latencies, log, TimeSpan.FromSeconds(30));
        Console.WriteLine();
        Console.WriteLine($"published {sent:N0} messages (warm-up included); the last snapshot of every subscribed scope ({dashboards.Scopes.Count} lines and enterprises) equals what was published to it: {(exact ? "yes" : "NO")}");

        var (first, last) = (rows[0], rows[^1]);
        Console.WriteLine($"drift, first interval → last (flat: memory within ±{MemoryTolerancePercent} %, p99 within ±{LatencyTolerancePercent} % or ±{LatencyToleranceMs} ms, whichever is larger; single intervals of a shared machine vary):");
        Console.WriteLine(Drift("working set", first.WorkingSet / 1048576.0, last.WorkingSet / 1048576.0, "MiB"));
        Console.WriteLine(Drift("heap after gen2", first.GcHeap / 1048576.0, last.GcHeap / 1048576.0, "MiB"));
        Console.WriteLine(Drift("live heap", first.LiveHeap / 1048576.0, last.LiveHeap / 1048576.0, "MiB")
            + $", {(double)(last.LiveHeap - first.LiveHeap) / Math.Max(1, rows.Skip(1).Sum(r => r.Rate * interval.TotalSeconds)):N0} bytes per message after the first interval");
        Console.WriteLine(Drift("line p99", first.Line.P99, last.Line.P99, "ms"));
        Console.WriteLine(Drift("enterprise p99", first.Enterprise.P99, last.Enterprise.P99, "ms"));
        Console.WriteLine($"  gen2 collections during the run: {last.Gen2 - first.Gen2} after the first interval; threads {first.Threads} → {last.Threads}");
        exceptions.Print();
        return 0;
    }

    /// <summary>
    /// The GC heap after the last gen-2 collection (background or blocking): what was live then, plus
    /// what a background collection let the program allocate meanwhile. Steadier than the heap after
    /// any collection, which swings with the gen-0 budget.
    /// </summary>
    private static long HeapAfterLastGen2()
    {
        var (background, blocking) = (GC.GetGCMemoryInfo(GCKind.Background), GC.GetGCMemoryInfo(GCKind.FullBlocking));
        return (background.Index > blocking.Index ? background : blocking).HeapSizeBytes;
    }

    /// <summary>What is reachable: the heap after a blocking, compacting full collection.</summary>
    private static long LiveHeap()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static (double P50, double P95, double P99) Percentiles(IReadOnlyList<(string Name, double[] Sorted)> samples, string path)
    {
        var sorted = samples.FirstOrDefault(s => s.Name == path).Sorted ?? [];
        return (DashboardLoad.Quantile(sorted, 0.50), DashboardLoad.Quantile(sorted, 0.95), DashboardLoad.Quantile(sorted, 0.99));
    }

    private static string Drift(string what, double first, double last, string unit) =>
        $"  {what}: {first:N1} → {last:N1} {unit}, {last - first:+0.0;-0.0} {unit} ({100 * (last - first) / first:+0.0;-0.0} %)";

    private readonly record struct SoakRow(
        TimeSpan Elapsed,
        double Rate,
        (double P50, double P95, double P99) Line,
        (double P50, double P95, double P99) Enterprise,
        long Unmatched,
        long WorkingSet,
        long GcHeap,
        long LiveHeap,
        int Gen2,
        int Threads,
        double Cores)
    {
        public string Format() =>
            $"| {Elapsed:mm\\:ss} | {Rate:N0} | {Line.P50:0} / {Line.P95:0} / {Line.P99:0} | {Enterprise.P50:0} / {Enterprise.P95:0} / {Enterprise.P99:0} | {Unmatched:N0} | {WorkingSet / 1048576.0:N0} | {GcHeap / 1048576.0:N0} | {LiveHeap / 1048576.0:N0} | {Gen2} | {Threads} | {Cores:0.00} |";
    }
}
