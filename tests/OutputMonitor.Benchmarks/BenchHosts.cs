using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Orleans.Configuration;
using OutputMonitor.Silo;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// The hosts the benchmarks run: the product's own silo (<see cref="SiloHostingExtensions.AddOutputMonitorSilo"/>:
/// localhost clustering, in-memory grain storage) on free loopback ports, and a plain Orleans client.
/// No appsettings or environment variables are read, so nothing outside the command line changes a run.
/// </summary>
internal static class BenchHosts
{
    public const string ClusterId = "om-bench";
    public const string ServiceId = "om-bench";

    private static volatile bool _quiet;

    /// <summary>
    /// A silo host (not started). <paramref name="pushInterval"/> null keeps the product default;
    /// <paramref name="bulkLoadTimeout"/> null keeps Orleans' response and activation timeouts (30 s);
    /// a bulk registry load of 100k lines activates every line inside one call and needs longer on a small machine.
    /// </summary>
    public static IHost BuildSilo(int siloPort, int gatewayPort, TimeSpan? pushInterval, TimeSpan? bulkLoadTimeout = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Orleans:Clustering is left unset (localhost is the default): Orleans 10 reads the same
            // section for its own provider configuration and refuses a plain "localhost" there.
            ["Orleans:ClusterId"] = ClusterId,
            ["Orleans:ServiceId"] = ServiceId,
            ["Orleans:SiloPort"] = siloPort.ToString(),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(),
            // No broker for alerts here: the publisher would retry 127.0.0.1:1883 and log a warning each time.
            ["Alerts:PublishMqtt"] = "false",
        });
        if (pushInterval is { } interval)
        {
            builder.Configuration.AddInMemoryCollection([new("Rollup:PushInterval", interval.ToString("c"))]);
        }

        // For experiments with the product's settings: OM_BENCH_Rollup__AggregateWriteLinger=00:00:00.050, …
        builder.Configuration.AddEnvironmentVariables("OM_BENCH_");

        AddQuietLogging(builder.Services);
        builder.AddOutputMonitorSilo();
        if (bulkLoadTimeout is { } timeout)
        {
            builder.Services.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = timeout);
            builder.Services.Configure<GrainCollectionOptions>(collection => collection.ActivationTimeout = timeout);
        }

        configure?.Invoke(builder.Services);

        return builder.Build();
    }

    /// <summary>An Orleans client (not started) for a silo's gateway on this machine.</summary>
    public static IHost BuildClient(int gatewayPort)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        AddQuietLogging(builder.Services);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, ServiceId, ClusterId));
        return builder.Build();
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Silences every host of this process from now on: a silo's stop deactivates every grain,
    /// whose last push writes into the in-memory storage that is stopping too (an error per grain).
    /// </summary>
    public static void SilenceLogs() => _quiet = true;

    /// <summary>Lets hosts log warnings and errors again.</summary>
    public static void RestoreLogs() => _quiet = false;

    /// <summary>Warnings and errors only, to stderr, so that stdout carries nothing but the figures.</summary>
    private static void AddQuietLogging(IServiceCollection services)
    {
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans.Runtime.Silo", LogLevel.Error) // startup notices (e.g. "not running with ServerGC" when a run overrides the GC)
            .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error) // misreads its clock when several silos share a process
            .AddFilter((_, _, level) => !_quiet && level >= LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true));
        services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
