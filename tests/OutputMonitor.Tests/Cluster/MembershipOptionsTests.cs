using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OutputMonitor.Silo;

namespace OutputMonitor.Tests.Cluster;

/// <summary>Orleans:Membership and Orleans:AdvertisedAddress: bound, applied to Orleans' own options, refused at start when inconsistent.</summary>
public sealed class MembershipOptionsTests
{
    [Fact]
    public void The_defaults_detect_a_dead_silo_in_seconds_and_let_a_crashed_cluster_rejoin_after_ten()
    {
        using var services = Services();

        var membership = services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        var gateways = services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(2), membership.ProbeTimeout);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)), (membership.MinProbeTimeout, membership.MaxProbeTimeout));
        Assert.Equal((3, 2), (membership.NumMissedProbesLimit, membership.NumVotesForDeathDeclaration));
        Assert.Equal(TimeSpan.FromMinutes(1), membership.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), membership.IAmAliveTablePublishTimeout * membership.NumMissedTableIAmAliveLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), membership.TableRefreshTimeout);
        Assert.Equal((TimeSpan.FromDays(1), TimeSpan.FromHours(1)), (membership.DefunctSiloExpiration, membership.DefunctSiloCleanupPeriod));
        Assert.Equal(TimeSpan.FromSeconds(5), gateways.GatewayListRefreshPeriod);
    }

    [Fact]
    public void Configured_keys_reach_Orleans()
    {
        using var services = Services(("Orleans:Membership:ProbeTimeout", "00:00:05"), ("Orleans:Membership:IAmAlivePeriod", "00:00:30"),
            ("Orleans:Membership:DeathVoteExpiration", "00:02:00"), ("Orleans:Membership:GatewayListRefreshPeriod", "00:01:00"));

        var membership = services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)), (membership.ProbeTimeout, membership.IAmAliveTablePublishTimeout));
        Assert.Equal(TimeSpan.FromMinutes(1), services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
    }

    [Fact]
    public void Votes_that_expire_before_a_slow_probe_could_fail_are_refused()
    {
        using var services = Services(("Orleans:Membership:ProbeTimeout", "00:00:10"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MembershipOptions>>().Value);

        Assert.Contains("Orleans:Membership:DeathVoteExpiration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_heartbeat_that_goes_stale_before_probes_could_fail_is_refused()
    {
        using var services = Services(("Orleans:Membership:IAmAlivePeriod", "00:00:02"), ("Orleans:Membership:MissedIAmAliveLimit", "1"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MembershipOptions>>().Value);

        Assert.Contains("Orleans:Membership:IAmAlivePeriod", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Orleans:AdvertisedAddress", "not an address", "Orleans:AdvertisedAddress")]
    [InlineData("Orleans:GatewayPort", "11111", "Orleans:SiloPort and Orleans:GatewayPort")]
    public void A_silo_address_it_cannot_use_is_refused(string key, string value, string named)
    {
        using var services = Services((key, value));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OrleansHostOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOutputMonitorClusterSettings();
        return services.BuildServiceProvider();
    }
}
