using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutputMonitor.Registry;

namespace OutputMonitor.Simulator;

public static class SimulatorHostingExtensions
{
    /// <summary>
    /// Adds the telemetry simulator when <c>Simulator:Enabled</c> is true (the default): options bound
    /// from <c>Simulator</c> and validated at start (the registry file included), and the hosted
    /// service. Unset, <c>Simulator:Host</c>/<c>Port</c> follow <c>Mqtt:Host</c>/<c>Port</c> and
    /// <c>Simulator:RegistryPath</c> follows <c>Registry:Path</c>, so in-process it publishes to the
    /// system's own broker for the system's own registry.
    /// </summary>
    public static IHostApplicationBuilder AddOutputMonitorSimulator(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var section = configuration.GetSection(SimulatorOptions.Section);
        if (!section.GetValue(nameof(SimulatorOptions.Enabled), true))
        {
            return builder;
        }

        builder.Services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.Section)
            .PostConfigure(options => ApplyFallbacks(options, configuration))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatorOptions>, RegistryFileValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<SimulatorService>();
        return builder;
    }

    private static void ApplyFallbacks(SimulatorOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(SimulatorOptions.Section);
        if (section[nameof(SimulatorOptions.Host)] is null && configuration["Mqtt:Host"] is { Length: > 0 } host)
        {
            options.Host = host;
        }

        if (section[nameof(SimulatorOptions.Port)] is null && int.TryParse(configuration["Mqtt:Port"], out var port))
        {
            options.Port = port;
        }

        if (section[nameof(SimulatorOptions.RegistryPath)] is null && configuration["Registry:Path"] is { Length: > 0 } path)
        {
            options.RegistryPath = path;
        }
    }

    /// <summary>Refuses to start with a registry file that is missing or invalid, naming the fields.</summary>
    private sealed class RegistryFileValidator : IValidateOptions<SimulatorOptions>
    {
        public ValidateOptionsResult Validate(string? name, SimulatorOptions options) =>
            RegistryJson.Check(options.RegistryPath) is { } error ? ValidateOptionsResult.Fail($"Simulator:RegistryPath: {error}") : ValidateOptionsResult.Success;
    }
}
