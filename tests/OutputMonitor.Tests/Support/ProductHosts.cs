using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutputMonitor.Gateway;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Registry;
using OutputMonitor.Silo;

namespace OutputMonitor.Tests.Support;

/// <summary>
/// The product's own hosts, started the way its Program.cs files start them, on free loopback
/// ports: a silo (localhost clustering), and gateways as Orleans clients of it. On the real clock,
/// so the registry's zones are moved clear of midnight (<see cref="TestRegistry.OnTheRealClock"/>).
/// </summary>
public sealed class ProductHosts : IAsyncDisposable
{
    private readonly List<IHost> _gateways = [];

    private ProductHosts(IHost silo, string registryFile, int gatewayPort)
    {
        Silo = silo;
        RegistryFile = registryFile;
        GatewayPort = gatewayPort;
    }

    public IHost Silo { get; }

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    public string RegistryFile { get; }

    /// <summary>The silo's Orleans gateway port, for clients.</summary>
    public int GatewayPort { get; }

    /// <param name="configure">Last changes to the silo's services (e.g. a fault in its grain storage).</param>
    public static async Task<ProductHosts> StartSiloAsync(RegistryDocument registry, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var registryFile = Path.Combine(Path.GetTempPath(), $"om-registry-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(registryFile, RegistryJson.Serialize(TestRegistry.OnTheRealClock(registry)));
        var gatewayPort = MosquittoBroker.FreePort();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:Path"] = registryFile,
            ["Orleans:SiloPort"] = MosquittoBroker.FreePort().ToString(),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(),
            ["Orleans:ClusterId"] = $"test-{Guid.NewGuid():N}",
        });
        builder.Configuration.AddInMemoryCollection(QuietAlertRules.Settings);
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddOutputMonitorSilo();
        configure?.Invoke(builder.Services);
        var silo = builder.Build();
        await silo.StartAsync();
        return new ProductHosts(silo, registryFile, gatewayPort);
    }

    /// <summary>A gateway (an Orleans client of the silo) with the given Mqtt:* and Gateway:* settings.</summary>
    public async Task<IHost> StartGatewayAsync(Dictionary<string, string?> settings)
    {
        var clusterId = Silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OrleansHostOptions>>().Value.ClusterId;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:GatewayPort"] = GatewayPort.ToString(),
            ["Orleans:ClusterId"] = clusterId,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddOutputMonitorClient();
        builder.AddOutputMonitorGateway();
        var gateway = builder.Build();
        await gateway.StartAsync();
        _gateways.Add(gateway);
        return gateway;
    }

    public static GatewayStatus StatusOf(IHost gateway) => gateway.Services.GetRequiredService<GatewayStatus>();

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await StopQuietlyAsync(gateway);
        }

        await StopQuietlyAsync(Silo);
        File.Delete(RegistryFile);
    }

    public static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Already stopped.
        }

        host.Dispose();
    }
}
