using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OutputMonitor.Persistence;
using OutputMonitor.Scopes;

namespace OutputMonitor.Registry;

[GenerateSerializer, SuppressReferenceTracking, Alias("om.RegistryGrainState")]
public sealed class RegistryGrainState
{
    [Id(0)] public RegistryDocument? Document { get; set; }
    [Id(1)] public long Version { get; set; }

    /// <summary>Every line and enterprise of this registry version has been activated once (and so has its alert reminder).</summary>
    [Id(2)] public long WatchedVersion { get; set; }
}

/// <summary>
/// The registry: loaded from <c>Registry:Path</c> (or the demo) the first time, then changed only
/// as a whole validated document. After each change it pushes the new config to every scope whose
/// config changed; scopes read theirs when they activate.
/// </summary>
[Reentrant]
public sealed partial class RegistryGrain(
    [PersistentState("registry", MonitorServices.StorageName)] IPersistentState<RegistryGrainState> state,
    IOptions<RegistryOptions> options,
    IOptions<AlertRuleOptions> alertOptions,
    ILogger<RegistryGrain> logger) : Grain, IRegistryGrain
{
    /// <summary>Scopes activated at a time when every line and enterprise is started once.</summary>
    private const int WatchConcurrency = 32;

    private CoalescedWriter? _writer;
    private RegistryIndex _index = null!;

    private CoalescedWriter Writer => _writer ??= new CoalescedWriter(() => state.WriteStateAsync());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Document is null)
        {
            state.State.Document = RegistryJson.Load(options.Value.Path);
            state.State.Version = 1;
            await Writer.WriteAsync();
        }

        _index = new RegistryIndex(state.State.Document);
        LogLoaded(logger, state.State.Version, state.State.Document.Regions.Count, state.State.Document.Enterprises.Count, _index.LineCount);
        if (alertOptions.Value.WatchAllAtStart && state.State.WatchedVersion < state.State.Version)
        {
            // After activation, not in it: the scopes ask this grain for their config as they start.
            this.RegisterGrainTimer(WatchAllAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
        }
    }

    /// <summary>
    /// Starts every line and enterprise once, which registers the reminder of its alert rules: a
    /// line that never sends a message still goes stale. Later registry changes start the scopes
    /// they touch themselves. Redis keeps the reminders, so this runs once per registry there.
    /// </summary>
    private async Task WatchAllAsync(CancellationToken cancellationToken)
    {
        var version = state.State.Version;
        var scopes = _index.Configs.Keys.Where(s => s.Kind is ScopeKind.Line or ScopeKind.Enterprise).ToList();
        try
        {
            foreach (var chunk in scopes.Chunk(WatchConcurrency))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.WhenAll(chunk.Select(scope => GrainFactory.GetScopeGrain(scope).EvaluateAlertsAsync()));
            }

            state.State.WatchedVersion = Math.Max(state.State.WatchedVersion, version);
            await Writer.WriteAsync();
            LogWatched(logger, scopes.Count, version);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next activation tries again; meanwhile telemetry starts the lines that report.
            LogWatchFailed(logger, version, ex);
        }
    }

    public Task<RegistryDocument> GetDocumentAsync() => Task.FromResult(_index.Document);

    public Task<long> GetVersionAsync() => Task.FromResult(state.State.Version);

    public Task<ScopeConfig?> GetConfigAsync(ScopeId scope) => Task.FromResult(_index.Find(scope));

    public Task<RegistryChangeResult> UpsertEnterpriseAsync(EnterpriseDefinition enterprise)
    {
        var document = RegistryChanges.UpsertEnterprise(_index.Document, enterprise);
        return CommitAsync(document, Affected(_index, enterprise.Id), $"enterprises[{document.Enterprises.ToList().FindIndex(e => e.Id == enterprise.Id)}]");
    }

    public Task<RegistryChangeResult> UpsertRegionAsync(RegionDefinition region)
    {
        var document = RegistryChanges.UpsertRegion(_index.Document, region);

        // A region's zone and parent reach everything below it: compare every scope.
        return CommitAsync(document, null, $"regions[{document.Regions.ToList().FindIndex(r => r.Id == region.Id)}]");
    }

    public Task<RegistryChangeResult> UpsertChainAsync(ChainDefinition chain)
    {
        var document = RegistryChanges.UpsertChain(_index.Document, chain);
        return CommitAsync(document, [ScopeId.Chain(chain.Id ?? "")], $"chains[{document.Chains.ToList().FindIndex(c => c.Id == chain.Id)}]");
    }

    public Task<RegistryChangeResult> DeleteEnterpriseAsync(string id)
    {
        if (!_index.Contains(ScopeId.Enterprise(id)))
        {
            return Task.FromResult(new RegistryChangeResult { NotFound = true, Version = state.State.Version });
        }

        return CommitAsync(RegistryChanges.RemoveEnterprise(_index.Document, id), Affected(_index, id), null);
    }

    public Task<RegistryChangeResult> ReplaceAsync(RegistryDocument document) => CommitAsync(document, null, null);

    /// <summary>The scopes an enterprise change can touch: it, its lines, its region and chain (before the change).</summary>
    private static HashSet<ScopeId> Affected(RegistryIndex index, string? enterpriseId)
    {
        var scopes = new HashSet<ScopeId>();
        if (enterpriseId is null || !ScopeId.IsValidId(enterpriseId))
        {
            return scopes;
        }

        var enterprise = ScopeId.Enterprise(enterpriseId);
        scopes.Add(enterprise);
        if (index.Find(enterprise) is { } config)
        {
            scopes.UnionWith(config.Parents);
            scopes.UnionWith(config.Children.Select(c => c.Scope));
        }

        return scopes;
    }

    /// <summary>
    /// Validates the whole new document; on success stores it and pushes the changed configs.
    /// <paramref name="candidates"/> (null: every scope) are compared, together with the changed
    /// enterprise's new region, chain and lines. Errors under <paramref name="subject"/> are named
    /// relative to it, as the request body names them.
    /// </summary>
    private async Task<RegistryChangeResult> CommitAsync(RegistryDocument document, HashSet<ScopeId>? candidates, string? subject)
    {
        var errors = RegistryValidator.Validate(document);
        if (errors.Count > 0)
        {
            return new RegistryChangeResult { Errors = Relative(errors, subject), Version = state.State.Version };
        }

        var previous = _index;
        var next = new RegistryIndex(document);
        if (candidates is not null)
        {
            foreach (var scope in candidates.Where(s => s.Kind == ScopeKind.Enterprise).ToList())
            {
                candidates.UnionWith(Affected(next, scope.Id));
            }
        }

        _index = next;
        state.State.Document = document;
        state.State.Version++;
        var version = state.State.Version;
        await Writer.WriteAsync();

        var scopes = candidates ?? [.. previous.Configs.Keys.Concat(next.Configs.Keys)];
        var changes = new List<Task>();
        foreach (var scope in scopes)
        {
            var before = previous.Find(scope);
            var after = next.Find(scope);
            if (before?.Fingerprint() != after?.Fingerprint())
            {
                changes.Add(GrainFactory.GetScopeGrain(scope).ConfigureAsync(after));
            }
        }

        await Task.WhenAll(changes);
        LogChanged(logger, version, changes.Count);
        return new RegistryChangeResult { Applied = true, Version = version };
    }

    private static List<RegistryError> Relative(IReadOnlyList<RegistryError> errors, string? subject) =>
        subject is null
            ? [.. errors]
            : [.. errors.Select(e => e.Field.StartsWith(subject + ".", StringComparison.Ordinal) ? e with { Field = e.Field[(subject.Length + 1)..] } : e)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry version {Version}: {Regions} regions, {Enterprises} enterprises, {Lines} lines")]
    private static partial void LogLoaded(ILogger logger, long version, int regions, int enterprises, int lines);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert rules watching all {Scopes} lines and enterprises of registry version {Version}")]
    private static partial void LogWatched(ILogger logger, int scopes, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Starting the alert rules of every scope of registry version {Version} failed; retried at the next activation")]
    private static partial void LogWatchFailed(ILogger logger, long version, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry version {Version} applied; {Scopes} scopes reconfigured")]
    private static partial void LogChanged(ILogger logger, long version, int scopes);
}
