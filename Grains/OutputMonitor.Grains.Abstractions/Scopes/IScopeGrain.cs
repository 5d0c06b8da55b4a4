using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Scopes;

/// <summary>What every scope's grain answers: line, enterprise, region and chain alike.</summary>
public interface IScopeGrain : IGrainWithStringKey
{
    /// <summary>The snapshot now; null when the scope is not in the registry.</summary>
    Task<ScopeSnapshot?> GetSnapshotAsync();

    /// <summary>Buckets by event time in [from, to); null when the scope is not in the registry.</summary>
    Task<HistorySeries?> GetHistoryAsync(HistoryStep step, DateTimeOffset from, DateTimeOffset to);

    /// <summary>Pushes what has not yet reached the parents, and waits until they have it.</summary>
    Task FlushAsync();

    /// <summary>The registry changed this scope (null: removed).</summary>
    Task ConfigureAsync(ScopeConfig? config);

    /// <summary>
    /// Registers or refreshes a watcher, which must call again within <c>Rollup:WatcherExpiry</c>
    /// to stay registered. True when the watcher was not registered (first call, or this activation
    /// is new and forgot it): the watcher may have missed changes and should resend the snapshot.
    /// </summary>
    Task<bool> WatchAsync(IScopeWatcher watcher);

    Task UnwatchAsync(IScopeWatcher watcher);

    /// <summary>
    /// Evaluates this scope's alert rules now (lines and enterprises; others have none) and sends
    /// what changed to the enterprise's alert book. A reminder calls it every <c>Alerts:EvaluateInterval</c>.
    /// </summary>
    Task EvaluateAlertsAsync();
}

/// <summary>A production or shipment line. Key: <c>{enterprise}/{line}</c>.</summary>
public interface ILineGrain : IScopeGrain
{
    /// <summary>
    /// Counts a batch of readings, ignoring ids already seen. Returns once the state that counts
    /// them is durable, so the caller may acknowledge the messages.
    /// </summary>
    Task<IngestResult> IngestAsync(IReadOnlyList<Reading> readings);
}

/// <summary>An enterprise, region or chain. Key: the scope, e.g. <c>region:henan</c>.</summary>
public interface IAggregateGrain : IScopeGrain
{
    /// <summary>Applies a child's push (idempotent per child and seq); returns once durable.</summary>
    Task ApplyAsync(RollupPush push);
}

/// <summary>The one registry of the cluster (key 0).</summary>
public interface IRegistryGrain : IGrainWithIntegerKey
{
    Task<RegistryDocument> GetDocumentAsync();

    Task<long> GetVersionAsync();

    Task<ScopeConfig?> GetConfigAsync(ScopeId scope);

    Task<RegistryChangeResult> UpsertEnterpriseAsync(EnterpriseDefinition enterprise);

    Task<RegistryChangeResult> UpsertRegionAsync(RegionDefinition region);

    Task<RegistryChangeResult> UpsertChainAsync(ChainDefinition chain);

    Task<RegistryChangeResult> DeleteEnterpriseAsync(string id);

    /// <summary>Replaces the whole registry (bulk loads, tests and benchmarks).</summary>
    Task<RegistryChangeResult> ReplaceAsync(RegistryDocument document);
}

[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.RegistryChangeResult")]
public sealed record RegistryChangeResult
{
    [Id(0)] public bool Applied { get; init; }
    [Id(1)] public bool NotFound { get; init; }
    [Id(2)] public IReadOnlyList<RegistryError> Errors { get; init; } = [];
    [Id(3)] public long Version { get; init; }
}

public static class ScopeGrainExtensions
{
    public const long RegistryKey = 0;

    public static IScopeGrain GetScopeGrain(this IGrainFactory grains, ScopeId scope) => scope.Kind == ScopeKind.Line
        ? grains.GetGrain<ILineGrain>(scope.ToLineKey())
        : grains.GetGrain<IAggregateGrain>(scope.ToString());

    public static ILineGrain GetLineGrain(this IGrainFactory grains, string enterpriseId, string lineId) =>
        grains.GetGrain<ILineGrain>(ScopeId.Line(enterpriseId, lineId).ToLineKey());

    public static IRegistryGrain GetRegistryGrain(this IGrainFactory grains) => grains.GetGrain<IRegistryGrain>(RegistryKey);

    /// <summary>The ingest router of the silo a call goes to (a stateless worker: every silo has its own).</summary>
    public static IIngestRouterGrain GetIngestRouterGrain(this IGrainFactory grains) => grains.GetGrain<IIngestRouterGrain>(0);
}
