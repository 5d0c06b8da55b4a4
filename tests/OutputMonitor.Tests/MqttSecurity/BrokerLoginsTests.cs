using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Security;

namespace OutputMonitor.Tests.MqttSecurity;

/// <summary>The embedded broker's logins: PBKDF2 once per password, failed checks bounded per login.</summary>
public sealed class BrokerLoginsTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-03-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private BrokerLogins Logins(bool anonymous = false) => new(Options.Create(new MqttOptions
    {
        Username = "om-gateway",
        Password = "gateway-secret",
        AllowAnonymous = anonymous,
        Devices = [new MqttDevice { Username = "dev", PasswordHash = PasswordHash.Create("right", iterations: 1000), Enterprise = "ent-1" }],
    }), _time);

    [Fact]
    public async Task A_verified_password_is_not_hashed_again_on_reconnect()
    {
        using var logins = Logins();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(BrokerClientKind.Device, (await logins.LoginAsync("dev", "right")).Client?.Kind);
        }

        Assert.Equal(1, logins.Verifications);
    }

    [Fact]
    public async Task A_storm_of_logins_with_one_password_costs_one_verification()
    {
        using var logins = Logins();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => logins.LoginAsync("dev", "right").AsTask()));

        Assert.All(results, r => Assert.Equal(BrokerClientKind.Device, r.Client?.Kind));
        Assert.Equal(1, logins.Verifications);
    }

    [Fact]
    public async Task Failed_checks_are_bounded_per_login_until_the_window_passes()
    {
        using var logins = Logins();
        for (var i = 0; i < BrokerLogins.MaxAttemptsPerWindow; i++)
        {
            Assert.Null((await logins.LoginAsync("dev", $"guess-{i}")).Client);
        }

        var refused = await logins.LoginAsync("dev", "right");
        Assert.Null(refused.Client);
        Assert.Contains("password checks within", refused.Refusal, StringComparison.Ordinal);
        Assert.Equal(BrokerLogins.MaxAttemptsPerWindow, logins.Verifications);

        _time.Advance(BrokerLogins.AttemptWindow);
        Assert.NotNull((await logins.LoginAsync("dev", "right")).Client);
    }

    [Fact]
    public async Task A_device_verified_before_a_guessing_storm_still_logs_in()
    {
        using var logins = Logins();
        Assert.NotNull((await logins.LoginAsync("dev", "right")).Client);
        for (var i = 0; i < BrokerLogins.MaxAttemptsPerWindow * 2; i++)
        {
            await logins.LoginAsync("dev", $"guess-{i}");
        }

        Assert.NotNull((await logins.LoginAsync("dev", "right")).Client);
        Assert.Equal(1 + BrokerLogins.MaxAttemptsPerWindow, logins.Verifications);
    }

    [Fact]
    public async Task Unknown_names_cost_no_verification()
    {
        using var logins = Logins();

        Assert.Equal("unknown username", (await logins.LoginAsync("nobody", "right")).Refusal);
        Assert.Equal(0, logins.Verifications);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task No_credentials_are_anonymous_only_where_allowed(bool allowed)
    {
        using var logins = Logins(allowed);
        BrokerClientKind? expected = allowed ? BrokerClientKind.Anonymous : null;

        Assert.Equal(expected, (await logins.LoginAsync(null, null)).Client?.Kind);
        Assert.Equal(expected, (await logins.LoginAsync("", "")).Client?.Kind);
    }

    [Fact]
    public async Task The_system_login_needs_its_exact_secret()
    {
        using var logins = Logins();

        Assert.Equal(BrokerClientKind.System, (await logins.LoginAsync("om-gateway", "gateway-secret")).Client?.Kind);
        Assert.Null((await logins.LoginAsync("om-gateway", "gateway-secret ")).Client);
        Assert.Null((await logins.LoginAsync("om-gateway", null)).Client);
    }
}
