using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputMonitor.Contracts;
using OutputMonitor.Silo.Telemetry;

namespace OutputMonitor.Silo.Health;

/// <summary>The health endpoints of a silo or gateway running alone (configuration section <c>Health</c>).</summary>
public sealed class HealthListenerOptions
{
    public const string Section = "Health";

    /// <summary>Where <c>/healthz</c> and <c>/readyz</c> are served; 0 (the default): not served.</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>The address the listener binds: loopback unless an operator opens it to another interface.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";
}

/// <summary>
/// <c>GET /healthz</c> (the process is up) and <c>GET /readyz</c> (<see cref="ReadinessProbe"/>, 503
/// when a part is down) for the hosts without Kestrel, in the web node's JSON, so a load balancer,
/// systemd watchdog script or Kubernetes probe treats every part alike.
/// </summary>
public sealed partial class HealthListener(
    IOptions<HealthListenerOptions> options, ReadinessProbe readiness, ILogger<HealthListener> logger) : BackgroundService
{
    private readonly HttpListener _listener = new();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var host = ListenerPrefix.Host(options.Value.BindAddress);
        _listener.Prefixes.Add($"http://{host}:{options.Value.Port}/");
        _listener.Start();
        LogListening(logger, options.Value.BindAddress, options.Value.Port);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = stoppingToken.Register(_listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            _ = AnswerAsync(context, stoppingToken);
        }
    }

    public override void Dispose()
    {
        _listener.Close();
        base.Dispose();
    }

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            var (status, body) = (context.Request.HttpMethod, context.Request.Url?.AbsolutePath) switch
            {
                ("GET" or "HEAD", "/healthz") => (200, (object)new { status = "alive" }),
                ("GET" or "HEAD", "/readyz") => await ReadinessAsync(cancellationToken),
                (not ("GET" or "HEAD"), "/healthz" or "/readyz") => (405, new { status = "method not allowed" }),
                _ => (404, new { status = "not found" }),
            };
            response.StatusCode = status;
            response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(response.OutputStream, body, ContractJson.Options, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The caller went away or the host is stopping: nothing to answer.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // Already closed by the listener's stop.
            }
        }
    }

    private async Task<(int, object)> ReadinessAsync(CancellationToken cancellationToken)
    {
        var report = await readiness.CheckAsync(cancellationToken);
        return (report.Ready ? 200 : 503, report);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health endpoints at http://{BindAddress}:{Port}/healthz and /readyz")]
    private static partial void LogListening(ILogger logger, string bindAddress, int port);
}

public static class HealthHostingExtensions
{
    /// <summary>Readiness for every host; the listener only when <c>Health:Port</c> is set (hosts without Kestrel).</summary>
    public static IServiceCollection AddReadiness(this IServiceCollection services) => services.AddSingleton<ReadinessProbe>();

    public static IHostApplicationBuilder AddHealthListener(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReadiness();
        builder.Services.AddOptions<HealthListenerOptions>().BindConfiguration(HealthListenerOptions.Section).ValidateDataAnnotations()
            .Validate(options => ListenerPrefix.Host(options.BindAddress) is not null, "Health:BindAddress is not an IP address").ValidateOnStart();
        if (builder.Configuration.GetSection(HealthListenerOptions.Section).Get<HealthListenerOptions>() is { Port: > 0 })
        {
            builder.Services.AddHostedService<HealthListener>();
        }

        return builder;
    }
}
