using Microsoft.Extensions.Hosting;

namespace OutputMonitor.Gateway;

public static class GatewayHostingExtensions
{
    /// <summary>The Orleans client of a gateway or web node that runs apart from the silos.</summary>
    public static IHostApplicationBuilder AddOutputMonitorClient(this IHostApplicationBuilder builder) => builder;

    /// <summary>MQTT ingestion into the line grains.</summary>
    public static IHostApplicationBuilder AddOutputMonitorGateway(this IHostApplicationBuilder builder) => builder;
}
