using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OutputMonitor.Registry;
using OutputMonitor.Web.Hosting;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// The one-process product (<c>AddOutputMonitorWeb</c>: co-hosted silo with the in-process store, the
/// embedded broker, the gateway and the web app on Kestrel, simulator off) in this process, on free
/// loopback ports, with a generated registry. Command-line options <c>--receive-maximum</c>,
/// <c>--partitions</c> and <c>--push-interval</c> set the product's own settings; <c>--broker mosquitto</c>
/// starts a mosquitto child instead of the embedded broker and points the product at it (<c>Mqtt:Host</c>),
/// as a deployment with an external broker runs (<c>--broker embedded</c>: the one-command start's).
/// </summary>
internal sealed class OneProcessProduct(WebApplication app, string registryFile, int httpPort, int mqttPort, Mosquitto? mosquitto) : IAsyncDisposable
{
    public int HttpPort => httpPort;

    public int MqttPort => mqttPort;

    /// <summary>Which broker the product and the load use: "embedded broker" or mosquitto's version.</summary>
    public string BrokerName => mosquitto is { } external ? $"{external.Version} (pid {external.Pid}, external)" : "embedded broker (MQTTnet.Server, in process)";

    /// <summary>The external broker's process, if any (for its CPU).</summary>
    public int? BrokerPid => mosquitto?.Pid;

    public static async Task<OneProcessProduct> StartAsync(GeneratedRegistry registry, CommandLine options, string defaultBroker)
    {
        var registryFile = Path.Combine(Path.GetTempPath(), $"om-bench-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(registryFile, RegistryJson.Serialize(registry.Document));
        var httpPort = BenchHosts.FreeLoopbackPort();
        var broker = options.Text("broker") ?? defaultBroker;
        if (broker is not ("embedded" or "mosquitto"))
        {
            throw new ArgumentException($"--broker is embedded or mosquitto, not '{broker}'");
        }

        var mosquitto = broker == "mosquitto" ? await Mosquitto.StartAsync() : null;
        var mqttPort = mosquitto?.Port ?? BenchHosts.FreeLoopbackPort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{httpPort}",
            ["Registry:Path"] = registryFile,
            ["Mqtt:Port"] = mqttPort.ToString(),
            ["Simulator:Enabled"] = "false",
            ["Orleans:SiloPort"] = BenchHosts.FreeLoopbackPort().ToString(),
            ["Orleans:GatewayPort"] = BenchHosts.FreeLoopbackPort().ToString(),
        });
        if (mosquitto is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Mqtt:Host", "127.0.0.1")]);
        }

        foreach (var (option, key) in new[] { ("receive-maximum", "Mqtt:ReceiveMaximum"), ("partitions", "Gateway:Partitions"), ("push-interval", "Rollup:PushInterval"), ("batch-linger", "Gateway:BatchLinger") })
        {
            if (options.Text(option) is { } value)
            {
                builder.Configuration.AddInMemoryCollection([new(key, value)]);
            }
        }

        builder.Logging.ClearProviders().AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans.Runtime.Silo", LogLevel.Error) // "not running with ServerGC": by choice here
            .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error); // misreads its clock at start
        builder.AddOutputMonitorWeb();
        var app = builder.Build();
        app.MapOutputMonitorWeb();
        await app.StartAsync();
        return new OneProcessProduct(app, registryFile, httpPort, mqttPort, mosquitto);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        File.Delete(registryFile);
        if (mosquitto is not null)
        {
            await mosquitto.DisposeAsync();
        }
    }
}
