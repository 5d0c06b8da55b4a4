using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutputMonitor.Silo.Health;
using OutputMonitor.Silo.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Operations;

/// <summary>
/// A silo's or gateway's own listeners (<c>Health:Port</c>, <c>Metrics:Port</c>) start while a probe
/// already knocks on their port, as a load balancer or Kubernetes does while a part restarts. The
/// managed HttpListener on Linux threw from Start() when a connection was waiting at that moment
/// (dotnet/runtime's HttpEndPointListener locks a field its constructor has not set yet), and the
/// part died at start: the cluster drill saw a silo exit with 134.
/// </summary>
public sealed class PartListenerStartTests
{
    [Theory]
    [InlineData("Health:Port")]
    [InlineData("Metrics:Port")]
    public async Task A_part_starts_and_answers_while_probes_knock_on_its_port(string portKey)
    {
        var port = MosquittoBroker.FreePort();
        using var stop = new CancellationTokenSource();
        var knocking = Task.WhenAll(Enumerable.Range(0, 16).Select(_ => KnockAsync(port, stop.Token)));
        try
        {
            for (var start = 0; start < 100; start++)
            {
                using var host = Build(portKey, port);
                await host.StartAsync();
                await host.StopAsync();
            }
        }
        finally
        {
            await stop.CancelAsync();
            await knocking;
        }

        using var last = Build(portKey, port);
        await last.StartAsync();
        using var http = new HttpClient();
        var path = portKey == "Health:Port" ? "/healthz" : MetricsListenerOptions.Path;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}{path}")).StatusCode);
        await last.StopAsync();
    }

    private static IHost Build(string portKey, int port)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [portKey] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddOutputMonitorTelemetry("listener-start-test").WithScrapeListener(builder.Configuration);
        builder.AddHealthListener();
        return builder.Build();
    }

    /// <summary>Connects to the port again and again, from before the part listens until told to stop.</summary>
    private static Task KnockAsync(int port, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // Not listening (yet, or any more): knock again.
            }
        }
    }, CancellationToken.None);
}
