using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OutputMonitor.Silo.Health;

/// <summary>One HTTP endpoint of a silo or gateway running alone: where it listens, and what answers there.</summary>
/// <param name="Name">What it serves, for the log (e.g. <c>Health endpoints</c>).</param>
/// <param name="Paths">Its paths, for the log (e.g. <c>/healthz and /readyz</c>).</param>
/// <param name="Configure">Its request pipeline, given this process's services.</param>
public sealed record PartEndpoint(string Name, IPAddress Address, int Port, string Paths, Action<IApplicationBuilder, IServiceProvider> Configure);

/// <summary>
/// The HTTP endpoints of a host without the web node's Kestrel (<c>Health:Port</c>, <c>Metrics:Port</c>):
/// each on a Kestrel server of its own. Not <see cref="HttpListener"/>: on Linux its Start() throws
/// when a connection already waits as it starts listening (its endpoint listener locks a field its
/// constructor has not set yet), so a probe knocking while a part restarted killed the part.
/// </summary>
public sealed partial class PartListeners(
    IEnumerable<PartEndpoint> endpoints, IServiceProvider services, ILoggerFactory loggers, ILogger<PartListeners> logger)
    : IHostedService, IAsyncDisposable
{
    private readonly List<WebApplication> _servers = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in endpoints)
        {
            // An empty builder: no configuration of its own (ASPNETCORE_URLS and the like are the web node's).
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.Services.AddSingleton(loggers);
            builder.Services.AddSingleton<IHostLifetime, LifetimeOfThePart>();
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(endpoint.Address, endpoint.Port);
            });
            var server = builder.Build();
            endpoint.Configure(server, services);
            await server.StartAsync(cancellationToken);
            _servers.Add(server);
            LogListening(logger, endpoint.Name, endpoint.Address, endpoint.Port, endpoint.Paths);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var server in _servers)
        {
            await server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} at http://{Address}:{Port}{Paths}")]
    private static partial void LogListening(ILogger logger, string name, IPAddress address, int port, string paths);

    /// <summary>The part's own host starts and stops the servers: they take no signals of their own.</summary>
    private sealed class LifetimeOfThePart : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

public static class PartEndpointExtensions
{
    /// <summary>Serves an endpoint on a Kestrel server of its own (<see cref="PartListeners"/>).</summary>
    public static IServiceCollection AddPartEndpoint(this IServiceCollection services, PartEndpoint endpoint)
    {
        services.AddSingleton(endpoint);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PartListeners>());
        return services;
    }

    /// <summary>The address to bind for a configured bind address (<c>0.0.0.0</c>: every IPv4 address); null when it is not an IP address.</summary>
    public static IPAddress? BindAddress(string bindAddress) => IPAddress.TryParse(bindAddress, out var address) ? address : null;
}
