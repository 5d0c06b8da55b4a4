using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using OutputMonitor.Registry;

namespace OutputMonitor.Tests.Support;

/// <summary>Web's Program with a test registry, free ports, no simulator.</summary>
// Any public type of the Web assembly names its entry point (several assemblies here have a Program).
public sealed class TestWebApp : WebApplicationFactory<OutputMonitor.Web.Hubs.MonitorHub>
{
    private readonly string _registryFile = Path.Combine(Path.GetTempPath(), $"om-web-{Guid.NewGuid():N}.json");

    /// <summary>An enterprise of city-a with 250 production lines <c>l0</c>…<c>l249</c>, beside <see cref="TestRegistry.Small"/>.</summary>
    public const string WideEnterprise = "ent-wide";

    public TestWebApp()
    {
        var small = TestRegistry.Small();
        var wide = TestRegistry.Enterprise(WideEnterprise, "city-a", null, [.. Enumerable.Range(0, 250).Select(i => TestRegistry.Production($"l{i}"))]);
        File.WriteAllText(_registryFile, RegistryJson.Serialize(small with { Enterprises = [.. small.Enterprises, wide] }));
    }

    public IGrainFactory Grains => (IGrainFactory)Services.GetService(typeof(IGrainFactory))!;

    /// <summary>A .NET SignalR client of the hub, over the in-memory test server (not yet started).</summary>
    public HubConnection CreateHubConnection()
    {
        var server = Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/monitor"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, cancellation) => await server.CreateWebSocketClient().ConnectAsync(context.Uri, cancellation);
            })
            .Build();
    }

    // UseSetting, so that Program sees these while it builds (it reads ports before Build).
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder
            .UseSetting("Registry:Path", _registryFile)
            .UseSetting("Orleans:SiloPort", MosquittoBroker.FreePort().ToString())
            .UseSetting("Orleans:GatewayPort", MosquittoBroker.FreePort().ToString())
            .UseSetting("Mqtt:Port", MosquittoBroker.FreePort().ToString())
            .UseSetting("Simulator:Enabled", "false");
        foreach (var (key, value) in QuietAlertRules.Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        File.Delete(_registryFile);
    }
}
