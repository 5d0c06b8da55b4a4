using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using OutputMonitor.Aggregates;
using OutputMonitor.Lines;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;

namespace OutputMonitor.Benchmarks;

internal sealed record MemorySettings(int Lines, int ReadingsPerLine, int Batch, int InFlight, string Spread, TimeSpan? PushInterval)
{
    public const string Hour = "hour";
    public const string Day = "day";

    public static MemorySettings From(CommandLine options)
    {
        var spread = options.Text("spread") ?? Hour;
        return spread is Hour or Day
            ? new MemorySettings(options.Int("lines", 10_000), options.Int("readings", 5), options.Int("batch", 100), options.Int("inflight", 128), spread, options.Span("push-interval"))
            : throw new ArgumentException("--spread must be 'hour' or 'day'");
    }

    public string[] ToArgs() =>
    [
        "memory", "--lines", Lines.ToString(), "--readings", ReadingsPerLine.ToString(), "--batch", Batch.ToString(),
        "--inflight", InFlight.ToString(), "--spread", Spread,
        .. PushInterval is { } interval ? new[] { "--push-interval", interval.ToString("c") } : [],
    ];
}

/// <summary>What <c>memory</c> measured, as one JSON line for the parent.</summary>
internal sealed record MemoryResult
{
    public int Lines { get; init; }
    public int ReadingsPerLine { get; init; }
    public string Spread { get; init; } = "";
    public double ActivateSeconds { get; init; }
    public double IngestSeconds { get; init; }
    public int Activations { get; init; }
    public long HeapBefore { get; init; }
    public long HeapAfter { get; init; }
    public long WorkingSetBefore { get; init; }
    public long WorkingSetAfter { get; init; }
    public long RegistryIndexBytes { get; init; }
    public long RegistryStoredBytes { get; init; }
    public double IdleCores { get; init; }

    /// <summary>Cores other processes used during the ingest and idle phases (disturbance, not ours).</summary>
    public double OthersCores { get; init; }
    public double StoredLineStateBytes { get; init; }
    public double StoredEnterpriseStateBytes { get; init; }
    public double MinuteBuckets { get; init; }
    public double HourBuckets { get; init; }
    public double DayBuckets { get; init; }
    public double DedupeIds { get; init; }

    public long HeapDelta => HeapAfter - HeapBefore;

    /// <summary>The heap growth less the registry's own share (its index and its stored copy), per line.</summary>
    public double PerLineGrain => (HeapDelta - RegistryIndexBytes - RegistryStoredBytes) / (double)Lines;

    public double PerLineTotal => HeapDelta / (double)Lines;

    public double WorkingSetPerLine => (WorkingSetAfter - WorkingSetBefore) / (double)Lines;
}

/// <summary>
/// <c>memory</c>: a co-hosted silo in a fresh process; replaces the registry with N lines (which
/// activates every line, enterprise, region and chain grain), ingests R readings into each line,
/// lets the roll-up pushes settle, and measures the heap after full compacting collections.
/// </summary>
internal static class MemoryCommand
{
    public const string ResultLine = "RESULT ";

    /// <summary>
    /// Orleans' response and activation timeouts for this silo. One registry replace activates every
    /// line inside one call: for 100k lines that takes about 30 s on 2 cores, and with the defaults
    /// (30 s each) the replace fails, or activations are cancelled when the machine is busy.
    /// </summary>
    public static readonly TimeSpan BulkLoadTimeout = TimeSpan.FromMinutes(5);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(MemorySettings settings)
    {
        var pushInterval = settings.PushInterval ?? new RollupOptions().PushInterval;
        using var host = BenchHosts.BuildSilo(BenchHosts.FreeLoopbackPort(), BenchHosts.FreeLoopbackPort(), settings.PushInterval, bulkLoadTimeout: BulkLoadTimeout);
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var serializer = host.Services.GetRequiredService<Serializer>();
        await grains.GetRegistryGrain().GetVersionAsync();

        var registry = GeneratedRegistry.Create(settings.Lines);

        // The registry's own share of the growth: its index (built once more here to weigh it) and
        // its stored copy in the in-memory storage. Neither is a line grain's.
        var beforeIndex = MemorySample.AfterFullGc();
        var index = new RegistryIndex(registry.Document);
        var indexBytes = MemorySample.AfterFullGc().Heap - beforeIndex.Heap;
        GC.KeepAlive(index);
        index = null;
        var registryStored = serializer.SerializeToArray(new RegistryGrainState { Document = registry.Document, Version = 2 }).Length;

        var before = MemorySample.AfterFullGc();
        var clock = Stopwatch.StartNew();
        var change = await grains.GetRegistryGrain().ReplaceAsync(registry.Document);
        if (!change.Applied)
        {
            throw new InvalidOperationException($"registry refused: {string.Join("; ", change.Errors)}");
        }

        var activateSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var machineStart = MachineSample.Take();
        var processStart = ProcessSample.Take();
        var now = DateTimeOffset.UtcNow;
        var readings = settings.ReadingsPerLine;
        Func<Random, int, DateTimeOffset> timestamp = settings.Spread == MemorySettings.Day
            ? (_, k) => now.AddMinutes(-(readings - k))
            : (random, _) => now.AddMilliseconds(-random.Next(3_600_000));
        await IngestLoad.IngestAllAsync(grains, registry.Lines, readings, Math.Min(settings.Batch, readings), settings.InFlight, timestamp);
        var ingestSeconds = clock.Elapsed.TotalSeconds;

        // Let every line push to its enterprise, and enterprises to regions and chains.
        await Task.Delay(TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(2).Ticks, pushInterval.Ticks * 6)));
        var idleStart = ProcessSample.Take();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var idle = ProcessSample.Take().Since(idleStart);
        var others = MachineSample.Take().BusyCoresSince(machineStart) - ProcessSample.Take().Since(processStart).CoresUsed;

        var after = MemorySample.AfterFullGc();
        var activations = await grains.GetGrain<IManagementGrain>(0).GetTotalActivationCount();
        var stored = await SampleStoredStateAsync(host, grains, serializer, registry);
        GC.KeepAlive(registry);

        var result = stored with
        {
            Lines = settings.Lines,
            ReadingsPerLine = readings,
            Spread = settings.Spread,
            ActivateSeconds = activateSeconds,
            IngestSeconds = ingestSeconds,
            Activations = activations,
            HeapBefore = before.Heap,
            HeapAfter = after.Heap,
            WorkingSetBefore = before.WorkingSet,
            WorkingSetAfter = after.WorkingSet,
            RegistryIndexBytes = indexBytes,
            RegistryStoredBytes = registryStored,
            IdleCores = idle.CoresUsed,
            OthersCores = Math.Max(0, others),
        };
        Console.Out.WriteLine(ResultLine + JsonSerializer.Serialize(result, Json));
        Console.Out.Flush();
        BenchHosts.SilenceLogs();

        // A graceful stop would deactivate every grain into the stopping in-memory storage.
        Environment.Exit(0);
        return 0;
    }

    /// <summary>Reads the stored state of a sample of lines and enterprises: its serialized size and shape.</summary>
    private static async Task<MemoryResult> SampleStoredStateAsync(IHost host, IGrainFactory grains, Serializer serializer, GeneratedRegistry registry)
    {
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(MonitorServices.StorageName);
        var step = Math.Max(1, registry.Lines.Count / 200);
        var lines = new List<LineGrainState>();
        var lineBytes = new List<int>();
        for (var i = 0; i < registry.Lines.Count; i += step)
        {
            var line = registry.Lines[i];
            var state = new GrainState<LineGrainState>();
            await storage.ReadStateAsync("line", grains.GetLineGrain(line.Enterprise, line.Line).GetGrainId(), state);
            if (state.RecordExists)
            {
                lines.Add(state.State!);
                lineBytes.Add(serializer.SerializeToArray(state.State).Length);
            }
        }

        var enterpriseBytes = new List<int>();
        foreach (var enterprise in registry.Document.Enterprises.Take(20))
        {
            var state = new GrainState<AggregateGrainState>();
            await storage.ReadStateAsync("aggregate", grains.GetGrain<IAggregateGrain>(ScopeId.Enterprise(enterprise.Id!).ToString()).GetGrainId(), state);
            if (state.RecordExists)
            {
                enterpriseBytes.Add(serializer.SerializeToArray(state.State).Length);
            }
        }

        return new MemoryResult
        {
            StoredLineStateBytes = lineBytes.Count == 0 ? double.NaN : lineBytes.Average(),
            StoredEnterpriseStateBytes = enterpriseBytes.Count == 0 ? double.NaN : enterpriseBytes.Average(),
            MinuteBuckets = lines.Count == 0 ? double.NaN : lines.Average(s => s.Buckets.Minutes.Count),
            HourBuckets = lines.Count == 0 ? double.NaN : lines.Average(s => s.Buckets.Hours.Count),
            DayBuckets = lines.Count == 0 ? double.NaN : lines.Average(s => s.Buckets.Days.Count),
            DedupeIds = lines.Count == 0 ? double.NaN : lines.Average(s => s.Dedupe.Count),
        };
    }
}
