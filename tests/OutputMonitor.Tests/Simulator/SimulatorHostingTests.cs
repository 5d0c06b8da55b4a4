using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutputMonitor.Registry;
using OutputMonitor.Simulator;
using OutputMonitor.Simulator.Model;

namespace OutputMonitor.Tests.Simulator;

public class SimulatorHostingTests
{
    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddOutputMonitorSimulator();
        return builder.Build();
    }

    [Fact]
    public void Disabled_registers_no_simulator()
    {
        using var host = Build(("Simulator:Enabled", "false"));

        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is SimulatorService);
    }

    [Fact]
    public void Enabled_by_default_with_the_documented_defaults()
    {
        using var host = Build();

        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is SimulatorService);
        var options = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        Assert.Equal(("127.0.0.1", 1883, 1.0, null, 1, 0, true, true, 2026, 1), (options.Host, options.Port, options.Speed, options.MessagesPerSecond, options.BatchSize, options.SyntheticLines, options.Backfill, options.BackfillPeriods, options.Seed, options.QoS));
    }

    [Theory]
    [InlineData("Simulator:BatchSize", "0")]
    [InlineData("Simulator:BatchSize", "1001")]
    [InlineData("Simulator:Port", "0")]
    [InlineData("Simulator:QoS", "3")]
    [InlineData("Simulator:Speed", "0")]
    [InlineData("Simulator:MessagesPerSecond", "0")]
    [InlineData("Simulator:SyntheticLines", "-1")]
    [InlineData("Simulator:Host", "")]
    [InlineData("Simulator:RegistryPath", "/nonexistent/registry.json")]
    public async Task Invalid_options_refuse_to_start(string key, string value)
    {
        using var host = Build((key, value));

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Theory]
    [InlineData("Simulator:Backfill", "yes")]
    [InlineData("Simulator:BackfillPeriods", "week")]
    public async Task A_switch_that_is_not_true_or_false_refuses_to_start_naming_the_key(string key, string value)
    {
        using var host = Build((key, value));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unset_broker_and_registry_follow_the_systems_own_settings()
    {
        var path = Path.Combine(Path.GetTempPath(), $"om-sim-registry-{Guid.NewGuid():N}.json");
        try
        {
            SyntheticRegistry.Write(RegistryJson.LoadDemo(), path);
            using var host = Build(("Mqtt:Port", "18830"), ("Registry:Path", path));

            var options = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            Assert.Equal((18830, path), (options.Port, options.RegistryPath));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Explicit_simulator_settings_win_over_the_systems()
    {
        using var host = Build(("Mqtt:Port", "18830"), ("Simulator:Port", "1884"), ("Mqtt:Host", "127.0.0.2"), ("Simulator:Host", "127.0.0.1"));

        var options = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        Assert.Equal(("127.0.0.1", 1884), (options.Host, options.Port));
    }
}
