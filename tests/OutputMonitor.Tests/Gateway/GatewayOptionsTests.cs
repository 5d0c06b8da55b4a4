using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutputMonitor.Gateway;
using OutputMonitor.Silo;

namespace OutputMonitor.Tests.Gateway;

/// <summary>The gateway's pipeline settings are checked at start: a bad one stops it with the setting's name.</summary>
public sealed class GatewayOptionsTests
{
    [Theory]
    [InlineData("Gateway:BatchLinger", "00:00:02")]
    [InlineData("Gateway:BatchLinger", "-00:00:00.001")]
    [InlineData("Gateway:BatchLinger", "soon")]
    [InlineData("Gateway:BatchLinger", "10675199.02:48:05.4775807")]
    [InlineData("Gateway:Partitions", "0")]
    [InlineData("Gateway:MaxReadingsPerCall", "-5")]
    public async Task The_start_is_refused_on_a_bad_pipeline_setting_naming_it(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mqtt:Port"] = "1", // never bound: the start stops at validation
            [key] = value,
        });
        builder.AddOutputMonitorClient();
        builder.AddOutputMonitorGateway();

        // Out of range: OptionsValidationException; not a TimeSpan at all: the binder's InvalidOperationException.
        // A start that passes validation would wait for a cluster that is not there: cut it short, so that it fails.
        using var cutShort = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var host = builder.Build();
            await host.StartAsync(cutShort.Token);
        });

        Assert.True(refused is OptionsValidationException or InvalidOperationException, refused.GetType().Name);
        Assert.Contains(key.Split(':')[1], refused.Message, StringComparison.Ordinal);
    }
}
