using Orleans.Concurrency;
using OutputMonitor.Persistence;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Lines;

[GenerateSerializer, SuppressReferenceTracking, Alias("om.DeadLetterGrainState")]
public sealed class DeadLetterGrainState
{
    /// <summary>Oldest first; at most <see cref="DeadLetterGrain.Kept"/>.</summary>
    [Id(0)] public List<DeadLetter> Newest { get; set; } = [];
    [Id(1)] public Dictionary<string, long> Counts { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Keeps the newest dead letters of one enterprise, written coalesced.</summary>
[Reentrant]
public sealed class DeadLetterGrain(
    [PersistentState("deadletters", MonitorServices.StorageName)] IPersistentState<DeadLetterGrainState> state) : Grain, IDeadLetterGrain
{
    public const int Kept = 200;

    private CoalescedWriter? _writer;

    private CoalescedWriter Writer => _writer ??= new CoalescedWriter(() => state.WriteStateAsync());

    public Task AddAsync(IReadOnlyList<DeadLetter> deadLetters)
    {
        foreach (var deadLetter in deadLetters)
        {
            state.State.Counts[deadLetter.Code] = state.State.Counts.GetValueOrDefault(deadLetter.Code) + 1;
        }

        state.State.Newest.AddRange(deadLetters.TakeLast(Kept));
        if (state.State.Newest.Count > Kept)
        {
            state.State.Newest.RemoveRange(0, state.State.Newest.Count - Kept);
        }

        return Writer.WriteAsync();
    }

    public Task<IReadOnlyList<DeadLetter>> GetNewestAsync(int limit) =>
        Task.FromResult<IReadOnlyList<DeadLetter>>([.. state.State.Newest.AsEnumerable().Reverse().Take(Math.Clamp(limit, 0, Kept))]);

    public Task<IReadOnlyDictionary<string, long>> GetCountsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>(state.State.Counts, StringComparer.Ordinal));
}
