using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutputMonitor.Registry;
using OutputMonitor.Web.Hosting;

namespace OutputMonitor.Tests.Support;

/// <summary>
/// The real web app, started in-process the way Web/Program.cs starts it (co-hosted silo, embedded
/// MQTT broker and gateway, hub, API and the dashboards of Web/wwwroot), on Kestrel at
/// <c>http://127.0.0.1:{free port}</c> so that a real browser can open it. Simulator off, free
/// MQTT and Orleans ports, a unique cluster id and the given registry (its zones moved clear of
/// midnight, <see cref="TestRegistry.OnTheRealClock"/>, unless a test gives the clock); stopped at the end.
/// </summary>
public sealed class WebProduct : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _registryFile;

    private WebProduct(WebApplication app, string registryFile, int httpPort, int mqttPort)
    {
        _app = app;
        _registryFile = registryFile;
        BaseUrl = $"http://127.0.0.1:{httpPort}";
        MqttPort = mqttPort;
    }

    /// <summary>Where the app listens, without a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>The embedded broker's port, for devices publishing telemetry.</summary>
    public int MqttPort { get; }

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _app.Services;

    /// <summary>The repository's root (the folder holding OutputMonitor.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <param name="settings">Configuration over the defaults (e.g. <c>Mqtt:AllowAnonymous</c>, <c>Alerts:Webhooks</c>).</param>
    /// <param name="clock">The grains' clock (plant days, buckets, rates) instead of the system's.</param>
    public static async Task<WebProduct> StartAsync(RegistryDocument registry, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        var registryFile = Path.Combine(Path.GetTempPath(), $"om-browser-registry-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(registryFile, RegistryJson.Serialize(clock is null ? TestRegistry.OnTheRealClock(registry) : registry));
        var httpPort = MosquittoBroker.FreePort();
        var mqttPort = MosquittoBroker.FreePort();

        // ContentRootPath: the Web folder, so that its wwwroot (the dashboards) is what is served.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = Path.Combine(RepositoryRoot, "Web"),
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:Path"] = registryFile,
            ["Simulator:Enabled"] = "false",
            ["Mqtt:Port"] = mqttPort.ToString(),
            ["Orleans:SiloPort"] = MosquittoBroker.FreePort().ToString(),
            ["Orleans:GatewayPort"] = MosquittoBroker.FreePort().ToString(),
            ["Orleans:ClusterId"] = $"browser-{Guid.NewGuid():N}",
        });
        builder.Configuration.AddInMemoryCollection(QuietAlertRules.Settings);
        builder.Configuration.AddInMemoryCollection(TestWebApp.AdminKeySettings);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (clock is not null)
        {
            builder.Services.AddKeyedSingleton(MonitorServices.ClockKey, clock);
        }

        builder.AddOutputMonitorWeb();

        var app = builder.Build();
        app.MapOutputMonitorWeb();
        await app.StartAsync();
        return new WebProduct(app, registryFile, httpPort, mqttPort);
    }

    /// <summary>An absolute URL of a path on the app (<c>plant.html?scope=…</c>), the admin key in its fragment (the pages keep it) unless the path has a fragment of its own.</summary>
    public string Url(string pathAndQuery) =>
        $"{BaseUrl}/{pathAndQuery.TrimStart('/')}" + (pathAndQuery.Contains('#', StringComparison.Ordinal) ? "" : $"#key={TestWebApp.AdminKey}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _app.StopAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopped hard at the deadline.
        }

        await _app.DisposeAsync();
        File.Delete(_registryFile);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OutputMonitor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No OutputMonitor.sln above {AppContext.BaseDirectory}: cannot find the repository's Web folder.");
    }
}
