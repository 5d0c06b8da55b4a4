using System.Diagnostics;
using System.Runtime;

namespace OutputMonitor.Benchmarks;

/// <summary>This process's CPU time, GC counts, allocated bytes and GC pause time at one instant.</summary>
internal readonly record struct ProcessSample(long Timestamp, TimeSpan Cpu, int Gen0, int Gen1, int Gen2, long Allocated, TimeSpan GcPause)
{
    public static ProcessSample Take()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessSample(
            Stopwatch.GetTimestamp(),
            process.TotalProcessorTime,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalAllocatedBytes(precise: false),
            GC.GetTotalPauseDuration());
    }

    /// <summary>What happened between <paramref name="start"/> and this sample.</summary>
    public ProcessDelta Since(ProcessSample start) => new(
        Stopwatch.GetElapsedTime(start.Timestamp, Timestamp),
        Cpu - start.Cpu,
        Gen0 - start.Gen0 - (Gen1 - start.Gen1),
        Gen1 - start.Gen1 - (Gen2 - start.Gen2),
        Gen2 - start.Gen2,
        Allocated - start.Allocated,
        GcPause - start.GcPause);
}

/// <summary>A measured interval. GC counts are exclusive: a gen-2 collection is not also counted as gen 0 and 1.</summary>
internal readonly record struct ProcessDelta(TimeSpan Wall, TimeSpan Cpu, int Gen0, int Gen1, int Gen2, long Allocated, TimeSpan GcPause)
{
    public double CoresUsed => Cpu.TotalSeconds / Wall.TotalSeconds;

    public double GcPausePercent => 100 * GcPause.TotalSeconds / Wall.TotalSeconds;

    public string GcCounts => $"{Gen0}/{Gen1}/{Gen2}";
}

/// <summary>Heap and working set after a full, blocking, compacting collection.</summary>
internal readonly record struct MemorySample(long Heap, long WorkingSet)
{
    public static MemorySample AfterFullGc()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return new MemorySample(heap, process.WorkingSet64);
    }
}

/// <summary>
/// The whole machine's busy CPU time (Linux <c>/proc/stat</c>), to tell how much of it other
/// processes used while a figure was measured; NaN elsewhere.
/// </summary>
internal readonly record struct MachineSample(long Timestamp, double BusySeconds)
{
    /// <summary>USER_HZ, the unit of /proc/stat: 100 on every mainstream Linux build.</summary>
    private const double TicksPerSecond = 100;

    public static MachineSample Take()
    {
        var busy = double.NaN;
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();

            // user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
            busy = (fields.Take(8).Sum() - fields[3] - fields[4]) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            // Not Linux, or no /proc: the figure stays unknown.
        }

        return new MachineSample(Stopwatch.GetTimestamp(), busy);
    }

    /// <summary>Cores the whole machine kept busy since <paramref name="start"/>.</summary>
    public double BusyCoresSince(MachineSample start) => (BusySeconds - start.BusySeconds) / Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalSeconds;
}
