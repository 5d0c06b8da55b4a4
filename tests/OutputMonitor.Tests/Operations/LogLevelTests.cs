using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutputMonitor.Silo.Telemetry;

namespace OutputMonitor.Tests.Operations;

/// <summary>The log levels every host starts from: Orleans' placement pipeline (Polly) logs warnings only, unless configured.</summary>
public class LogLevelTests
{
    [Fact]
    public void Placement_info_lines_are_off_and_its_warnings_on_by_default()
    {
        using var host = Build([]);
        var polly = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Polly");

        Assert.False(polly.IsEnabled(LogLevel.Information));
        Assert.True(polly.IsEnabled(LogLevel.Warning));
    }

    [Theory]
    [InlineData("Logging:LogLevel:Polly", "Information")]
    [InlineData("Logging:LogLevel:Polly", "Debug")]
    public void Configuration_turns_them_back_on(string key, string level)
    {
        using var host = Build(new() { [key] = level });
        var polly = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Polly");

        Assert.True(polly.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Other_categories_keep_the_configured_default()
    {
        using var host = Build([]);
        var product = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OutputMonitor.Lines.LineGrain");

        Assert.True(product.IsEnabled(LogLevel.Information));
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOutputMonitorTelemetry("log-level-test");
        return builder.Build();
    }
}
