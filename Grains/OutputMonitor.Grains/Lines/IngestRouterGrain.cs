using Orleans.Concurrency;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Lines;

/// <summary>
/// Hands a gateway's round to the line grains, all lines at once, and answers per line. Reentrant:
/// a round waits on its lines' writes, and the rounds of other partitions and gateways go meanwhile.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class IngestRouterGrain : Grain, IIngestRouterGrain
{
    /// <summary>References kept at most; past it the cache starts again (a registry of more lines than this is not expected).</summary>
    private const int MaxCachedReferences = 200_000;

    // Making a reference resolves the interface's type by name each time: 1 µs, as much as a line's dedupe and buckets.
    private readonly Dictionary<(string Enterprise, string Line), ILineGrain> _lines = [];

    public async Task<IReadOnlyList<LineIngestOutcome>> IngestAsync(IReadOnlyList<LineReadings> lines)
    {
        var calls = new Task<LineIngestOutcome>[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            calls[i] = IngestLineAsync(lines[i]);
        }

        return await Task.WhenAll(calls);
    }

    private async Task<LineIngestOutcome> IngestLineAsync(LineReadings line)
    {
        try
        {
            return new LineIngestOutcome { Result = await LineGrain(line.Enterprise, line.Line).IngestAsync(line.Readings) };
        }
        catch (Exception ex)
        {
            return new LineIngestOutcome { Error = ex.Message };
        }
    }

    private ILineGrain LineGrain(string enterprise, string line)
    {
        if (!_lines.TryGetValue((enterprise, line), out var grain))
        {
            if (_lines.Count >= MaxCachedReferences)
            {
                _lines.Clear();
            }

            _lines[(enterprise, line)] = grain = GrainFactory.GetLineGrain(enterprise, line);
        }

        return grain;
    }
}
