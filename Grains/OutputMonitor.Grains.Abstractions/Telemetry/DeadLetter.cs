namespace OutputMonitor.Telemetry;

/// <summary>
/// A rejected message or batch item as spec/telemetry.md publishes it to <c>om/v1/deadletter/…</c>:
/// <c>{ code, reason, topic, index, payload, receivedAt }</c>.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.DeadLetter")]
public sealed record DeadLetter(
    [property: Id(0)] string Code,
    [property: Id(1)] string Reason,
    [property: Id(2)] string Topic,
    [property: Id(3)] int? Index,
    [property: Id(4)] string Payload,
    [property: Id(5)] DateTimeOffset ReceivedAt);

/// <summary>The newest dead letters of one enterprise (key: its id, or <c>unrouted</c>), for the API and the UI.</summary>
public interface IDeadLetterGrain : IGrainWithStringKey
{
    Task AddAsync(IReadOnlyList<DeadLetter> deadLetters);

    /// <summary>The newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeadLetter>> GetNewestAsync(int limit);

    /// <summary>How many were ever added, per code.</summary>
    Task<IReadOnlyDictionary<string, long>> GetCountsAsync();
}
