using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutputMonitor.Silo;

namespace OutputMonitor.Tests.Delivery;

/// <summary><c>Alerts:Webhooks</c> is checked when a silo starts: a bad entry stops it, named.</summary>
public sealed class AlertConfigurationTests
{
    [Theory]
    [InlineData("/hooks/alerts", "Alerts:Webhooks:1 '/hooks/alerts' is not an absolute http or https URL")]
    [InlineData("hooks/alerts", "Alerts:Webhooks:1 'hooks/alerts' is not an absolute http or https URL")]
    [InlineData("ftp://127.0.0.1/alerts", "Alerts:Webhooks:1 'ftp://127.0.0.1/alerts' is not an absolute http or https URL")]
    [InlineData("file:///tmp/alerts", "Alerts:Webhooks:1 'file:///tmp/alerts' is not an absolute http or https URL")]
    [InlineData("http://", "Alerts:Webhooks:1 'http://' is not an absolute http or https URL")]
    [InlineData("", "Alerts:Webhooks:1 is empty")]
    [InlineData(" ", "Alerts:Webhooks:1 is empty")]
    [InlineData("http://127.0.0.1:9/ok", "Alerts:Webhooks:1 'http://127.0.0.1:9/ok' is listed twice")]
    public async Task A_silo_refuses_to_start_with_a_bad_webhook_naming_the_entry(string entry, string error)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => StartSiloServicesAsync(new()
        {
            ["Alerts:Webhooks:0"] = "http://127.0.0.1:9/ok",
            ["Alerts:Webhooks:1"] = entry,
        }));

        Assert.Contains(error, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_delays_that_shrink_are_refused()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => StartSiloServicesAsync(new()
        {
            ["Alerts:WebhookRetryDelay"] = "00:01:00",
            ["Alerts:WebhookMaxRetryDelay"] = "00:00:10",
        }));

        Assert.Contains("Alerts:WebhookMaxRetryDelay is shorter than Alerts:WebhookRetryDelay", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_and_https_webhooks_on_names_and_addresses_are_taken()
    {
        await StartSiloServicesAsync(new()
        {
            ["Alerts:Webhooks:0"] = "http://127.0.0.1:9/alerts?token=x",
            ["Alerts:Webhooks:1"] = "https://[::1]:8443/alerts",
            ["Alerts:Webhooks:2"] = "http://localhost:9/alerts",
        });
    }

    /// <summary>Starts the services every silo registers (no Orleans), with these settings, and stops them.</summary>
    private static async Task StartSiloServicesAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection([new("Alerts:PublishMqtt", "false")]);
        builder.Services.AddLogging();
        builder.Services.AddOutputMonitorGrainServices();
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
    }
}
