namespace OutputMonitor.Telemetry;

/// <summary>
/// Takes a gateway's round of telemetry, many lines' readings in one call, and hands each line's
/// readings to its line grain. One call from the gateway instead of one per line: with single-reading
/// messages spread over many lines, a round holds one or two readings per line, and a call from a
/// client costs more than the line's work. A stateless worker: it runs in the silo the gateway sent it
/// to, from where each line's call is local or one hop to the silo that holds the line.
/// </summary>
public interface IIngestRouterGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Counts each line's readings (a line at most once per call) and answers for each, in order:
    /// its result, or the error that stopped it. A failed line took nothing durable that was not
    /// acknowledged: the caller sends it again (dedupe makes that safe), the others are done.
    /// </summary>
    Task<IReadOnlyList<LineIngestOutcome>> IngestAsync(IReadOnlyList<LineReadings> lines);
}

/// <summary>One line's readings in a gateway's round, in the order they are to be counted.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.LineReadings")]
public sealed record LineReadings(
    [property: Id(0)] string Enterprise,
    [property: Id(1)] string Line,
    [property: Id(2)] IReadOnlyList<Reading> Readings);

/// <summary>What became of one line's readings: the line grain's result, or why its call failed.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.LineIngestOutcome")]
public sealed record LineIngestOutcome
{
    [Id(0)] public IngestResult? Result { get; init; }

    /// <summary>The failure's message when the line's call failed (Result is null then).</summary>
    [Id(1)] public string? Error { get; init; }
}
