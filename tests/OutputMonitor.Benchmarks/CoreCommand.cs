using System.Diagnostics;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OutputMonitor.Scopes;

namespace OutputMonitor.Benchmarks;

internal sealed record CoreSettings(
    int Lines, int Batch, int Seconds, int InFlight, TimeSpan? PushInterval, IReadOnlyList<int> MemoryLines, int HeavyLines, string? Only)
{
    /// <summary>What the issue asks, and what the figures are held against.</summary>
    public const double ReadingsPerSecondBudget = 200_000;
    public const double BytesPerLineBudget = 20 * 1024;
    public const int BudgetLines = 100_000;

    public TimeSpan Warmup => TimeSpan.FromSeconds(Math.Clamp(Seconds / 3, 2, 5));

    public static CoreSettings From(CommandLine options)
    {
        var only = options.Text("only");
        return only is null or "ingest" or "client" or "memory"
            ? new CoreSettings(
                options.Int("lines", 10_000),
                options.Int("batch", 100),
                options.Int("seconds", 15),
                options.Int("inflight", 128),
                options.Span("push-interval"),
                options.Ints("memory-lines", [10_000, 100_000]),
                options.Int("heavy-lines", 1_000),
                only)
            : throw new ArgumentException("--only must be ingest, client or memory");
    }

    public bool Runs(string section) => Only is null || Only == section;
}

/// <summary>
/// <c>core</c>: ingest co-hosted (batched and one reading per call), ingest through a client to a
/// silo in a child process, and memory per active line grain; each figure beside the issue's budget.
/// </summary>
internal static class CoreCommand
{
    public static async Task<int> RunAsync(CoreSettings settings)
    {
        var total = Stopwatch.StartNew();
        var pushInterval = settings.PushInterval ?? new RollupOptions().PushInterval;
        Console.WriteLine($"OutputMonitor core benchmark, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z");
        Console.WriteLine($"machine : {Machine()}");
        Console.WriteLine($"runtime : {RuntimeInformation.FrameworkDescription}, Orleans {Version(typeof(Grain).Assembly)}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC"
            + $" ({GCSettings.LatencyMode}), tiered PGO {Switch("System.Runtime.TieredPGO")}, {RuntimeInformation.OSDescription}");
        Console.WriteLine($"registry: {GeneratedRegistry.Create(settings.Lines).Describe()}; registry replaced via IRegistryGrain.ReplaceAsync");
        Console.WriteLine($"load    : output readings, unique ids, event times within the last hour (real clock); {settings.InFlight} calls in flight;"
            + $" warm-up {settings.Warmup.TotalSeconds:0} s, then {settings.Seconds} s measured");
        Console.WriteLine($"roll-ups: Rollup:PushInterval {pushInterval:c}{(settings.PushInterval is null ? " (product default)" : " (set by --push-interval)")}:"
            + " every line's push timer, its pushes to the enterprise, the enterprise's to region and chain, and all their state writes run during every measurement");
        Console.WriteLine("storage : the in-process store of the default start: every write serializes the grain's whole state (Orleans' binary format) into this process's memory");
        Console.WriteLine();

        LoadResult? batched = null;
        if (settings.Runs("ingest"))
        {
            Console.WriteLine("1. Ingest, co-hosted silo in this process (IGrainFactory of the silo host)");
            batched = await CoHostedAsync(settings, settings.Batch, TimeSpan.FromSeconds(settings.Seconds));
            var single = await CoHostedAsync(settings, 1, TimeSpan.FromSeconds(Math.Min(settings.Seconds, 10)));
            PrintLoadTable([($"batch {settings.Batch}", batched), ("batch 1", single)], otherProcess: false);
            Console.WriteLine();
        }

        if (settings.Runs("client"))
        {
            Console.WriteLine("2. Ingest through an Orleans client in this process; the silo runs in a child process (loopback)");
            var (result, pid) = await ThroughClientAsync(settings);
            PrintLoadTable([($"batch {settings.Batch}", result)], otherProcess: true);
            Console.WriteLine($"   (silo: child process {pid}, killed at the end; client and silo share the machine's {Environment.ProcessorCount} cores)");
            Console.WriteLine();
        }

        var memory = new List<MemoryResult>();
        if (settings.Runs("memory"))
        {
            Console.WriteLine("3. Memory per active line grain, co-hosted (each case in a fresh child process, so that working sets are not shared;");
            Console.WriteLine($"   one registry replace activates all lines: Orleans' response and activation timeouts raised to {MemoryCommand.BulkLoadTimeout.TotalMinutes:0} min for it;");
            Console.WriteLine($"   readings go {settings.Batch} per call at most, 256 calls in flight)");
            foreach (var lines in settings.MemoryLines)
            {
                memory.Add(await MemoryAsync(new MemorySettings(lines, 5, settings.Batch, 256, MemorySettings.Hour, settings.PushInterval)));
            }

            if (settings.HeavyLines > 0)
            {
                memory.Add(await MemoryAsync(new MemorySettings(settings.HeavyLines, 1440, settings.Batch, settings.InFlight, MemorySettings.Day, settings.PushInterval)));
            }

            PrintMemoryTable(memory);
            Console.WriteLine();
        }

        PrintBudgets(settings, batched, memory);
        Console.WriteLine();
        Console.WriteLine($"whole run: {total.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    private static async Task<LoadResult> CoHostedAsync(CoreSettings settings, int batch, TimeSpan duration)
    {
        var host = BenchHosts.BuildSilo(BenchHosts.FreeLoopbackPort(), BenchHosts.FreeLoopbackPort(), settings.PushInterval);
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var registry = GeneratedRegistry.Create(settings.Lines);
            await ReplaceRegistryAsync(grains, registry);
            return await IngestLoad.RunAsync(grains, registry.Lines, new LoadSettings(batch, settings.InFlight, settings.Warmup, duration));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    private static async Task<(LoadResult Result, int Pid)> ThroughClientAsync(CoreSettings settings)
    {
        var siloPort = BenchHosts.FreeLoopbackPort();
        var gatewayPort = BenchHosts.FreeLoopbackPort();
        string[] args = ["silo", "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString()];
        if (settings.PushInterval is { } interval)
        {
            args = [.. args, "--push-interval", interval.ToString("c")];
        }

        await using var silo = ChildProcess.Start(args);
        await silo.WaitForLineAsync(SiloCommand.ReadyLine, TimeSpan.FromSeconds(60));
        var client = BenchHosts.BuildClient(gatewayPort);
        await client.StartAsync();
        try
        {
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var registry = GeneratedRegistry.Create(settings.Lines);
            await ReplaceRegistryAsync(grains, registry);
            var result = await IngestLoad.RunAsync(grains, registry.Lines, new LoadSettings(settings.Batch, settings.InFlight, settings.Warmup, TimeSpan.FromSeconds(settings.Seconds)), () => silo.Cpu);
            return (result, silo.Id);
        }
        finally
        {
            await StopAsync(client);
        }
    }

    private static async Task<MemoryResult> MemoryAsync(MemorySettings settings)
    {
        await using var child = ChildProcess.Start(settings.ToArgs());
        var json = await child.WaitForLineAsync(MemoryCommand.ResultLine, TimeSpan.FromMinutes(5));
        return JsonSerializer.Deserialize<MemoryResult>(json, MemoryCommand.Json) ?? throw new InvalidOperationException("empty memory result");
    }

    private static async Task ReplaceRegistryAsync(IGrainFactory grains, GeneratedRegistry registry)
    {
        var clock = Stopwatch.StartNew();
        var change = await grains.GetRegistryGrain().ReplaceAsync(registry.Document);
        if (!change.Applied)
        {
            throw new InvalidOperationException($"registry refused: {string.Join("; ", change.Errors)}");
        }

        Console.WriteLine($"   registry of {registry.Lines.Count:N0} lines replaced (every line, enterprise, region and chain activated) in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Stops a host within a bounded time. A silo's graceful stop deactivates every grain, whose last
    /// push writes into the in-memory storage that is stopping too; nothing after it is measured.
    /// </summary>
    private static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        BenchHosts.SilenceLogs();
        try
        {
            await host.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or OrleansException or TimeoutException)
        {
            Console.Error.WriteLine($"   (host stop: {ex.GetType().Name})");
        }
        finally
        {
            host.Dispose();
            BenchHosts.RestoreLogs();
        }
    }

    private static void PrintLoadTable(IReadOnlyList<(string Name, LoadResult Result)> runs, bool otherProcess)
    {
        var table = new Table(
            "run", "readings/s", "calls/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
            otherProcess ? "CPU client+silo" : "CPU cores", "other procs", "CPU µs/reading", "alloc B/reading", "GC 0/1/2", "GC pause", "max GC pause", "longest stall", "max pool threads/queued", "errors");
        foreach (var (name, r) in runs)
        {
            table.Add(
                name,
                $"{r.ReadingsPerSecond:N0}",
                $"{r.CallsPerSecond:N0}",
                $"{r.Percentile(0.50):0.00}",
                $"{r.Percentile(0.95):0.00}",
                $"{r.Percentile(0.99):0.00}",
                $"{r.MaxMilliseconds:0.0}",
                otherProcess ? $"{r.Process.CoresUsed:0.00}+{r.OtherProcessCores:0.00}" : $"{r.Process.CoresUsed:0.00}",
                double.IsNaN(r.OthersCores) ? "n/a" : $"{r.OthersCores:0.00}",
                $"{r.CpuMicrosecondsPerReading:0.00}",
                $"{r.AllocatedPerReading:N0}",
                r.Process.GcCounts,
                $"{r.Process.GcPausePercent:0.0}%",
                $"{r.Runtime.MaxGcPause.TotalMilliseconds:0} ms",
                $"{r.Runtime.LongestStall.TotalMilliseconds:0} ms",
                $"{r.Runtime.MaxThreads}/{r.Runtime.MaxQueued:N0}",
                $"{r.Errors + r.Rejected}");
        }

        table.Print("   ");
        Console.WriteLine(otherProcess
            ? "   CPU, GC and allocations: client process (this one); silo CPU from the child's /proc figures. CPU µs/reading counts both processes."
            : "   CPU, GC and allocations are the whole process: load generator, grains, roll-ups, storage. GC counts are exclusive per generation.");
        Console.WriteLine("   other procs: cores the rest of the machine used meanwhile (/proc/stat); above ~0.1 the figures are disturbed by other work.");
        Console.WriteLine("   longest stall: the longest time in which no call completed; max pool queued: thread-pool work items waiting (20 ms samples).");
    }

    private static void PrintMemoryTable(IReadOnlyList<MemoryResult> results)
    {
        var table = new Table(
            "case", "activate s", "ingest s", "activations", "heap Δ/line", "registry share", "per line grain", "WS Δ/line",
            "stored line state", "stored ent. state", "buckets m/h/d", "dedupe ids", "idle CPU", "other procs");
        foreach (var r in results)
        {
            table.Add(
                $"{r.Lines:N0} lines × {r.ReadingsPerLine} readings ({(r.Spread == MemorySettings.Day ? "one a minute, 24 h" : "last hour")})",
                $"{r.ActivateSeconds:0.0}",
                $"{r.IngestSeconds:0.0}",
                $"{r.Activations:N0}",
                Bytes(r.PerLineTotal),
                Bytes((r.RegistryIndexBytes + r.RegistryStoredBytes) / (double)r.Lines),
                Bytes(r.PerLineGrain),
                Bytes(r.WorkingSetPerLine),
                Bytes(r.StoredLineStateBytes),
                Bytes(r.StoredEnterpriseStateBytes),
                $"{r.MinuteBuckets:0}/{r.HourBuckets:0.#}/{r.DayBuckets:0.#}",
                $"{r.DedupeIds:0}",
                $"{r.IdleCores:0.00} cores",
                double.IsNaN(r.OthersCores) ? "n/a" : $"{r.OthersCores:0.00}");
        }

        table.Print("   ");
        Console.WriteLine("   heap Δ/line: (GC heap after − before activation) / lines, after GC.Collect(2, forced, blocking, compacting) twice and GC.GetTotalMemory(true).");
        Console.WriteLine("   It includes the line grain, the in-memory storage's serialized copy of its state, and its share of the enterprise/region/chain grains.");
        Console.WriteLine("   per line grain = heap Δ/line less the registry's share (its index and stored document, which exist whether lines are active or not).");
        Console.WriteLine("   stored state: serialized bytes of a sample of line and enterprise states as the storage holds them (what Redis would hold and write).");
        Console.WriteLine("   idle CPU: the whole process over 3 s with no telemetry, after the pushes settled: the grains' push timers.");
    }

    private static void PrintBudgets(CoreSettings settings, LoadResult? batched, IReadOnlyList<MemoryResult> memory)
    {
        Console.WriteLine("Budgets (the issue)");
        var table = new Table("issue asks", "measured", "verdict");
        if (batched is not null)
        {
            table.Add(
                "≥ 200k readings/s co-hosted with batched calls",
                $"{batched.ReadingsPerSecond:N0} readings/s (batch {settings.Batch}, {settings.InFlight} in flight, {settings.Lines:N0} lines)",
                batched.ReadingsPerSecond >= CoreSettings.ReadingsPerSecondBudget ? "met" : "MISSED");
        }

        var atBudget = memory.Where(m => m.ReadingsPerLine <= 10).OrderBy(m => Math.Abs(m.Lines - CoreSettings.BudgetLines)).FirstOrDefault();
        if (atBudget is not null)
        {
            var note = atBudget.Lines == CoreSettings.BudgetLines ? "" : $" (measured at {atBudget.Lines:N0} lines, not 100k)";
            table.Add(
                "≤ 20 KB per active line grain at 100k lines",
                $"{Bytes(atBudget.PerLineGrain)} per line grain; {Bytes(atBudget.PerLineTotal)} with the registry{note}",
                atBudget.PerLineGrain <= CoreSettings.BytesPerLineBudget ? "met" : "MISSED");
        }

        foreach (var heavy in memory.Where(m => m.ReadingsPerLine > 10))
        {
            table.Add(
                "(heavy case, for honesty: a full plant day of minute data per line)",
                $"{Bytes(heavy.PerLineGrain)} per line grain at {heavy.Lines:N0} lines × {heavy.ReadingsPerLine} readings",
                heavy.PerLineGrain <= CoreSettings.BytesPerLineBudget ? "within 20 KB" : "over 20 KB");
        }

        table.Print("   ");
        Console.WriteLine("   KB = 1024 bytes.");
    }

    private static string Bytes(double bytes) => double.IsNaN(bytes)
        ? "n/a"
        : Math.Abs(bytes) >= 10 * 1024 ? $"{bytes / 1024:N1} KB" : $"{bytes:N0} B ({bytes / 1024:0.0} KB)";

    private static string Machine()
    {
        var cpu = "";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{Environment.ProcessorCount} cores{(cpu.Length > 0 ? $" ({cpu})" : "")}, {memory:0.0} GB memory, {RuntimeInformation.ProcessArchitecture}";
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "?";

    private static string Switch(string name) => AppContext.GetData(name) switch
    {
        bool value => value ? "on" : "off",
        string text => text,
        _ => "default (on)",
    };
}

/// <summary>A plain text table: columns as wide as their widest cell, numbers right-aligned.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Print(string indent)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(indent + Row(headers, widths, alignNumbers: false));
        Console.WriteLine(indent + string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            Console.WriteLine(indent + Row(row, widths, alignNumbers: true));
        }
    }

    private static string Row(string[] cells, int[] widths, bool alignNumbers) => string.Join(" | ", cells.Select((cell, i) =>
        alignNumbers && i > 0 && cell.Length > 0 && (char.IsDigit(cell[0]) || cell[0] is '-' or '.') ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i])));
}
