using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Silo;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Tests.Support;

/// <summary>
/// An in-process Orleans cluster with the OutputMonitor grains, a fake product clock and the given
/// registry; in-memory state, or Redis state when a connection string is given. Roll-ups are
/// driven by <see cref="FlushAsync"/>, not by timers (their period is set far out).
/// </summary>
public sealed class MonitorCluster : IAsyncDisposable
{
    private readonly string _registryFile;

    private MonitorCluster(InProcessTestCluster cluster, FakeTimeProvider time, string registryFile)
    {
        Cluster = cluster;
        Time = time;
        _registryFile = registryFile;
    }

    public InProcessTestCluster Cluster { get; }

    public FakeTimeProvider Time { get; }

    public IGrainFactory Grains => Cluster.Client;

    public IRegistryGrain Registry => Grains.GetRegistryGrain();

    /// <param name="settings">More configuration of the silo (e.g. <c>Alerts:EvaluateInterval</c>, <c>Mqtt:*</c>, <c>Alerts:Webhooks</c>).</param>
    public static async Task<MonitorCluster> StartAsync(
        RegistryDocument registry, FakeTimeProvider time, string? redis = null, string? serviceId = null, TimeSpan? pushInterval = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var registryFile = Path.Combine(Path.GetTempPath(), $"om-registry-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(registryFile, RegistryJson.Serialize(registry));

        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Registry:Path"] = registryFile,
                ["Rollup:PushInterval"] = (pushInterval ?? TimeSpan.FromMinutes(10)).ToString(),
                ["Redis:ConnectionString"] = redis,
                // No broker here: alert changes would go to whatever listens on 127.0.0.1:1883. Tests of delivery set Mqtt:*.
                ["Alerts:PublishMqtt"] = "false",
            });
            host.Configuration.AddInMemoryCollection(QuietAlertRules.Settings);
            host.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            host.Services.AddKeyedSingleton<TimeProvider>(MonitorServices.ClockKey, time);
            host.Services.AddOutputMonitorGrainServices();
        });
        builder.ConfigureSilo((_, silo) => silo.AddOutputMonitorStorage(redis is not null));

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new MonitorCluster(cluster, time, registryFile);
    }

    public Task<IngestResult> IngestAsync(string enterprise, string line, params Reading[] readings) =>
        Grains.GetLineGrain(enterprise, line).IngestAsync(readings);

    public async Task<ScopeSnapshot> SnapshotAsync(string scope) =>
        await Grains.GetScopeGrain(ScopeId.Parse(scope)).GetSnapshotAsync() ?? throw new InvalidOperationException($"{scope} has no snapshot");

    /// <summary>Pushes every line's changes to its enterprise, then every aggregate's upwards, bottom-up.</summary>
    public Task FlushAsync() => Rollups.FlushAllAsync(Grains);

    /// <summary>Deactivates every grain that is idle, as the runtime does after its collection age.</summary>
    public Task DeactivateAllAsync() => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            File.Delete(_registryFile);
        }
    }
}
