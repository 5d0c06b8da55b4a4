using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// With <c>OM_BENCH_ALLOCATION_TYPES=1</c>: which types this process's allocations land on. The
/// runtime samples an allocation every ~100 KB per heap (its AllocationTick event, with the type's
/// name); the share of samples per type estimates its share of the bytes. Printed at the end of
/// the command, for the co-hosted commands (<c>core</c>, <c>breakdown</c>, <c>dashboard</c>).
/// </summary>
internal sealed class AllocationTypeSampler : EventListener
{
    public const string Variable = "OM_BENCH_ALLOCATION_TYPES";

    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _samples = new(StringComparer.Ordinal);

    public static AllocationTypeSampler? StartIfAsked() => Environment.GetEnvironmentVariable(Variable) == "1" ? new AllocationTypeSampler() : null;

    public void Print(int top = 20)
    {
        var total = Math.Max(1, _samples.Values.Sum());
        Console.WriteLine($"allocation samples by type ({total:N0}, ~100 KB each):");
        foreach (var (type, count) in _samples.OrderByDescending(sample => sample.Value).Take(top))
        {
            Console.WriteLine($"  {100.0 * count / total,5:0.0} %  {type}");
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.PayloadNames?.IndexOf("TypeName") is >= 0 and var index)
        {
            _samples.AddOrUpdate(e.Payload![index]?.ToString() ?? "?", 1, (_, count) => count + 1);
        }
    }
}
