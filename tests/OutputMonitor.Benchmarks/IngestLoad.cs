using System.Diagnostics;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Benchmarks;

internal sealed record LoadSettings(int Batch, int InFlight, TimeSpan Warmup, TimeSpan Duration);

/// <summary>What a timed run measured: calls that completed inside the measured window only.</summary>
internal sealed record LoadResult(
    LoadSettings Settings,
    long Calls,
    long Accepted,
    long Rejected,
    long Errors,
    long[] SortedLatencyTicks,
    ProcessDelta Process,
    TimeSpan OtherProcessCpu,
    RuntimeFigures Runtime,
    double MachineBusyCores)
{
    /// <summary>Cores that processes other than this one (and the silo child) kept busy meanwhile.</summary>
    public double OthersCores => Math.Max(0, MachineBusyCores - Process.CoresUsed - OtherProcessCores);

    public double Seconds => Process.Wall.TotalSeconds;

    public double CallsPerSecond => Calls / Seconds;

    public double ReadingsPerSecond => Calls * (double)Settings.Batch / Seconds;

    public double AllocatedPerReading => Process.Allocated / Math.Max(1.0, Calls * (double)Settings.Batch);

    public double CpuMicrosecondsPerReading => (Process.Cpu + OtherProcessCpu).TotalMicroseconds / Math.Max(1.0, Calls * (double)Settings.Batch);

    public double OtherProcessCores => OtherProcessCpu.TotalSeconds / Seconds;

    /// <summary>The latency at quantile <paramref name="q"/> (nearest rank), in milliseconds.</summary>
    public double Percentile(double q)
    {
        if (SortedLatencyTicks.Length == 0)
        {
            return double.NaN;
        }

        var rank = Math.Clamp((int)Math.Ceiling(q * SortedLatencyTicks.Length) - 1, 0, SortedLatencyTicks.Length - 1);
        return SortedLatencyTicks[rank] * 1000.0 / Stopwatch.Frequency;
    }

    public double MaxMilliseconds => SortedLatencyTicks.Length == 0 ? double.NaN : SortedLatencyTicks[^1] * 1000.0 / Stopwatch.Frequency;
}

/// <summary>
/// Batched ingest into line grains: K callers, each sending a batch of output readings to the next
/// line round-robin and awaiting the answer before its next call. Readings have unique ids and
/// event times within the last hour of the real clock (never in the future).
/// </summary>
internal sealed class IngestLoad
{
    private const int Warming = 0;
    private const int Measuring = 1;
    private const int Stopping = 2;

    private readonly ILineGrain[] _lines;
    private readonly LoadSettings _settings;
    private int _phase = Warming;
    private long _nextLine = -1;

    private IngestLoad(ILineGrain[] lines, LoadSettings settings)
    {
        _lines = lines;
        _settings = settings;
    }

    /// <summary>A timed run; <paramref name="otherCpu"/> reads the CPU time of another process to report beside this one's (the silo's).</summary>
    /// <remarks><paramref name="window"/> is told when the measured window opens (true) and closes (false).</remarks>
    public static async Task<LoadResult> RunAsync(
        IGrainFactory grains, IReadOnlyList<LineRef> lines, LoadSettings settings, Func<TimeSpan>? otherCpu = null, Action<bool>? window = null)
    {
        var load = new IngestLoad([.. lines.Select(l => grains.GetLineGrain(l.Enterprise, l.Line))], settings);
        return await load.RunAsync(otherCpu ?? (() => TimeSpan.Zero), window ?? (_ => { }));
    }

    /// <summary>
    /// Sends <paramref name="readingsPerLine"/> readings to every line (in batches of
    /// <paramref name="batch"/>, lines interleaved, <paramref name="inFlight"/> calls at a time).
    /// <paramref name="timestamp"/> gives the event time of a line's k-th reading.
    /// </summary>
    public static async Task<long> IngestAllAsync(
        IGrainFactory grains, IReadOnlyList<LineRef> lines, int readingsPerLine, int batch, int inFlight, Func<Random, int, DateTimeOffset> timestamp)
    {
        var targets = lines.Select(l => grains.GetLineGrain(l.Enterprise, l.Line)).ToArray();
        var chunks = (readingsPerLine + batch - 1) / batch;
        var total = (long)chunks * targets.Length;
        long next = -1, accepted = 0;
        var workers = Enumerable.Range(0, inFlight).Select(async worker =>
        {
            var random = new Random(worker);
            long item;
            while ((item = Interlocked.Increment(ref next)) < total)
            {
                var line = (int)(item % targets.Length);
                var first = (int)(item / targets.Length) * batch;
                var size = Math.Min(batch, readingsPerLine - first);
                var readings = new Reading[size];
                for (var i = 0; i < size; i++)
                {
                    var k = first + i;
                    readings[i] = Reading.Output($"d-{line:x}-{k:x}", timestamp(random, k), good: 1 + random.Next(9), scrap: random.Next(10) == 0 ? 1 : 0);
                }

                var result = await targets[line].IngestAsync(readings);
                if (result.UnknownLine || result.Accepted != size)
                {
                    throw new InvalidOperationException($"line {line}: accepted {result.Accepted} of {size} (unknown line: {result.UnknownLine})");
                }

                Interlocked.Add(ref accepted, result.Accepted);
            }
        }).ToList();
        await Task.WhenAll(workers);
        return accepted;
    }

    private async Task<LoadResult> RunAsync(Func<TimeSpan> otherCpu, Action<bool> window)
    {
        var workers = Enumerable.Range(0, _settings.InFlight).Select(WorkerAsync).ToList();
        await Task.Delay(_settings.Warmup);
        window(true);
        var otherStart = otherCpu();
        var machineStart = MachineSample.Take();
        var start = ProcessSample.Take();
        Volatile.Write(ref _phase, Measuring);
        using var sampler = new RuntimeSampler();
        await Task.Delay(_settings.Duration);
        Volatile.Write(ref _phase, Stopping);
        var end = ProcessSample.Take();
        var machineEnd = MachineSample.Take();
        var otherEnd = otherCpu();
        window(false);
        var runtime = sampler.Stop();
        var results = await Task.WhenAll(workers);

        var latencies = results.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(latencies);
        var completions = results.SelectMany(r => r.Completions).Append(start.Timestamp).Append(end.Timestamp).ToArray();
        Array.Sort(completions);
        var longestGap = 0L;
        for (var i = 1; i < completions.Length; i++)
        {
            longestGap = Math.Max(longestGap, completions[i] - completions[i - 1]);
        }

        return new LoadResult(
            _settings,
            latencies.Length,
            results.Sum(r => r.Accepted),
            results.Sum(r => r.Rejected),
            results.Sum(r => r.Errors),
            latencies,
            end.Since(start),
            otherEnd - otherStart,
            runtime with { LongestStall = TimeSpan.FromSeconds(longestGap / (double)Stopwatch.Frequency) },
            machineEnd.BusyCoresSince(machineStart));
    }

    private async Task<WorkerResult> WorkerAsync(int worker)
    {
        // Off the caller's context at once, so that the K callers start together.
        await Task.Yield();
        var random = new Random(worker);
        var result = new WorkerResult();
        long sequence = 0;
        while (Volatile.Read(ref _phase) != Stopping)
        {
            var line = (int)((ulong)Interlocked.Increment(ref _nextLine) % (ulong)_lines.Length);
            var readings = new Reading[_settings.Batch];
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < readings.Length; i++)
            {
                readings[i] = Reading.Output(
                    $"m-{worker:x4}-{sequence++:x12}",
                    now.AddMilliseconds(-random.Next(3_600_000)),
                    good: 1 + random.Next(9),
                    scrap: random.Next(10) == 0 ? 1 : 0);
            }

            var started = Stopwatch.GetTimestamp();
            IngestResult? answer = null;
            try
            {
                answer = await _lines[line].IngestAsync(readings);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // Counted below; a benchmark that loses calls must say so, not stop.
            }

            var elapsed = Stopwatch.GetTimestamp() - started;
            if (Volatile.Read(ref _phase) != Measuring)
            {
                continue;
            }

            if (answer is null)
            {
                result.Errors++;
                continue;
            }

            result.Latencies.Add(elapsed);
            result.Completions.Add(started + elapsed);
            result.Accepted += answer.Accepted;
            result.Rejected += readings.Length - answer.Accepted;
        }

        return result;
    }

    private sealed class WorkerResult
    {
        public List<long> Latencies { get; } = new(1 << 14);

        public List<long> Completions { get; } = new(1 << 14);

        public long Accepted { get; set; }

        public long Rejected { get; set; }

        public long Errors { get; set; }
    }
}
