using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OutputMonitor.Alerts;
using OutputMonitor.Silo.Alerts;

namespace OutputMonitor.Tests.Delivery;

/// <summary>
/// Alert delivery as every silo registers it (<see cref="AlertDeliveryExtensions.AddOutputMonitorAlertDelivery"/>),
/// alone in a host, on a <see cref="TimerWatchingClock"/>, with the given <c>Alerts:*</c> and <c>Mqtt:*</c> settings.
/// </summary>
public sealed class DeliveryHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DeliveryHost(IHost host, TimerWatchingClock clock)
    {
        _host = host;
        Clock = clock;
    }

    public TimerWatchingClock Clock { get; }

    public IAlertDispatcher Dispatcher => _host.Services.GetRequiredService<IAlertDispatcher>();

    public AlertDeliveryStatus Status => _host.Services.GetRequiredService<AlertDeliveryStatus>();

    public static async Task<DeliveryHost> StartAsync(Dictionary<string, string?> settings)
    {
        var clock = new TimerWatchingClock();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddOutputMonitorAlertDelivery();
        var host = builder.Build();
        await host.StartAsync();
        return new DeliveryHost(host, clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
