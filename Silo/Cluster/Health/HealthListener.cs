using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutputMonitor.Contracts;

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
/// when a part is down) for the hosts without the web node's Kestrel, in the web node's JSON, so a
/// load balancer, systemd watchdog script or Kubernetes probe treats every part alike.
/// </summary>
public static class HealthEndpoints
{
    public static async Task AnswerAsync(HttpContext context, ReadinessProbe readiness)
    {
        var request = context.Request;
        var (status, body) = (request.Method, request.Path.Value) switch
        {
            ("GET" or "HEAD", "/healthz") => (200, (object)new { status = "alive" }),
            ("GET" or "HEAD", "/readyz") => await ReadinessAsync(readiness, context.RequestAborted),
            (not ("GET" or "HEAD"), "/healthz" or "/readyz") => (405, new { status = "method not allowed" }),
            _ => (404, new { status = "not found" }),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (!HttpMethods.IsHead(request.Method))
        {
            await JsonSerializer.SerializeAsync(context.Response.Body, body, ContractJson.Options, context.RequestAborted);
        }
    }

    private static async Task<(int, object)> ReadinessAsync(ReadinessProbe readiness, CancellationToken cancellationToken)
    {
        var report = await readiness.CheckAsync(cancellationToken);
        return (report.Ready ? 200 : 503, report);
    }
}

public static class HealthHostingExtensions
{
    /// <summary>Readiness for every host; the endpoints only when <c>Health:Port</c> is set (hosts without the web node's Kestrel).</summary>
    public static IServiceCollection AddReadiness(this IServiceCollection services) => services.AddSingleton<ReadinessProbe>();

    public static IHostApplicationBuilder AddHealthListener(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReadiness();
        builder.Services.AddOptions<HealthListenerOptions>().BindConfiguration(HealthListenerOptions.Section).ValidateDataAnnotations()
            .Validate(options => PartEndpointExtensions.BindAddress(options.BindAddress) is not null, "Health:BindAddress is not an IP address").ValidateOnStart();
        if (builder.Configuration.GetSection(HealthListenerOptions.Section).Get<HealthListenerOptions>() is { Port: > 0 } health
            && PartEndpointExtensions.BindAddress(health.BindAddress) is { } address)
        {
            builder.Services.AddPartEndpoint(new PartEndpoint("Health endpoints", address, health.Port, "/healthz and /readyz", (app, services) =>
            {
                var readiness = services.GetRequiredService<ReadinessProbe>();
                app.Run(context => HealthEndpoints.AnswerAsync(context, readiness));
            }));
        }

        return builder;
    }
}
