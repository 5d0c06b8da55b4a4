using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Alerts;

/// <summary>
/// The silo allows reminders shorter than Orleans' minute only when Alerts:EvaluateInterval asks for
/// them: Orleans warns at every start of a silo that allows them.
/// </summary>
public sealed class ReminderMinimumTests
{
    [Theory]
    [InlineData("00:01:00", "00:01:00")] // the default interval: Orleans' own minimum, no warning
    [InlineData("01:00:00", "00:01:00")]
    [InlineData("00:00:05", "00:00:05")]
    [InlineData("00:00:01", "00:00:01")]
    public async Task The_minimum_reminder_period_is_the_shorter_of_a_minute_and_the_evaluate_interval(string interval, string minimum)
    {
        await using var hosts = await ProductHosts.StartSiloAsync(TestRegistry.Small(), new() { ["Alerts:EvaluateInterval"] = interval });

        var reminders = hosts.Silo.Services.GetRequiredService<IOptions<ReminderOptions>>().Value;

        Assert.Equal(TimeSpan.Parse(minimum, System.Globalization.CultureInfo.InvariantCulture), reminders.MinimumReminderPeriod);
    }
}
