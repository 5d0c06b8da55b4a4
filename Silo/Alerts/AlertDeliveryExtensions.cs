using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OutputMonitor.Alerts;

namespace OutputMonitor.Silo.Alerts;

public static class AlertDeliveryExtensions
{
    /// <summary>
    /// Alert changes to MQTT (<c>Mqtt:*</c> names the broker) and to the webhooks of
    /// <c>Alerts:Webhooks</c>; options validated at start. Part of every silo's services.
    /// </summary>
    public static IServiceCollection AddOutputMonitorAlertDelivery(this IServiceCollection services)
    {
        services.AddOutputMonitorMqttSettings();
        services.AddOptions<AlertDeliveryOptions>().BindConfiguration(AlertDeliveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertDeliveryOptions>, AlertDeliveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // Each attempt's timeout is the webhook outbox's own (on the TimeProvider), not HttpClient's.
        services.AddHttpClient(WebhookOutbox.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<AlertDeliveryStatus>();
        services.TryAddSingleton<AlertDispatcher>();
        services.TryAddSingleton<IAlertDispatcher>(sp => sp.GetRequiredService<AlertDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        return services;
    }
}
