using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OutputMonitor.Silo;

/// <summary>
/// How fast the cluster notices a dead silo and a client a changed set of silos (configuration
/// section <c>Orleans:Membership</c>). Orleans' defaults are tuned for large cloud clusters: a crashed
/// silo's grains come back after ~10 s, and after a whole-cluster crash a restarted silo waits
/// ~100 s for the dead rows' heartbeats to age out before it may join. These defaults bring both to
/// seconds for a few silos on a LAN; the one place all hosts (silos and clients) read them from.
/// </summary>
public sealed class MembershipOptions : IValidatableObject
{
    public const string Section = "Orleans:Membership";

    /// <summary>Initial timeout of a liveness probe (Orleans adapts it between half and four times this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes after which a silo votes that the probed one is dead.</summary>
    [Range(1, 10)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Votes that declare a silo dead (Orleans needs fewer when fewer silos are alive to vote).</summary>
    [Range(1, 10)]
    public int VotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How long a vote counts.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan DeathVoteExpiration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a silo writes its heartbeat ("I am alive") to the membership table. A row whose
    /// heartbeat is older than <see cref="MissedIAmAliveLimit"/> periods is stale: a joining silo
    /// does not wait to reach it, which is what lets a cluster that crashed as a whole start again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 10)]
    public int MissedIAmAliveLimit { get; set; } = 2;

    /// <summary>How often a silo reads the whole membership table (changes also spread by gossip at once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TableRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the rows of dead silos are kept (every restart adds one) before they are removed.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan DefunctSiloExpiration { get; set; } = TimeSpan.FromDays(1);

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan DefunctSiloCleanupPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a client (gateway, web node) reads the list of live silos it may connect to.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a client waits between attempts while no silo answers at start.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a suspect may go unanswered: Orleans stretches a probe's timeout up to four times under load.</summary>
    public TimeSpan LongestDetection => ProbeTimeout * 4 * MissedProbesLimit;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DeathVoteExpiration <= LongestDetection)
        {
            yield return new ValidationResult(
                $"Orleans:Membership:DeathVoteExpiration ({DeathVoteExpiration}) must exceed ProbeTimeout × 4 × MissedProbesLimit ({LongestDetection}), or votes expire before enough of them are cast",
                [nameof(DeathVoteExpiration)]);
        }

        if (IAmAlivePeriod * MissedIAmAliveLimit < ProbeTimeout * MissedProbesLimit)
        {
            yield return new ValidationResult(
                "Orleans:Membership:IAmAlivePeriod × MissedIAmAliveLimit must be at least ProbeTimeout × MissedProbesLimit: a live silo's row must not look stale before a probe could find it dead",
                [nameof(IAmAlivePeriod)]);
        }
    }

    /// <summary>Sets Orleans' silo membership options from these.</summary>
    public void ApplyTo(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = ProbeTimeout;
        membership.MinProbeTimeout = ProbeTimeout / 2;
        membership.MaxProbeTimeout = ProbeTimeout * 4;
        membership.NumMissedProbesLimit = MissedProbesLimit;
        membership.NumVotesForDeathDeclaration = VotesForDeathDeclaration;
        membership.DeathVoteExpirationTimeout = DeathVoteExpiration;
        membership.IAmAliveTablePublishTimeout = IAmAlivePeriod;
        membership.NumMissedTableIAmAliveLimit = MissedIAmAliveLimit;
        membership.TableRefreshTimeout = TableRefreshPeriod;
        membership.DefunctSiloExpiration = DefunctSiloExpiration;
        membership.DefunctSiloCleanupPeriod = DefunctSiloCleanupPeriod;
    }

    /// <summary>Sets Orleans' client gateway options from these.</summary>
    public void ApplyTo(GatewayOptions gateways) => gateways.GatewayListRefreshPeriod = GatewayListRefreshPeriod;
}

/// <summary>Binds, validates at start and applies <see cref="MembershipOptions"/> to Orleans' own options.</summary>
public static class MembershipOptionsExtensions
{
    public static IServiceCollection AddMembershipOptions(this IServiceCollection services)
    {
        services.AddOptions<MembershipOptions>().BindConfiguration(MembershipOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<MembershipOptions>>((membership, options) => options.Value.ApplyTo(membership));
        services.AddOptions<GatewayOptions>().Configure<IOptions<MembershipOptions>>((gateways, options) => options.Value.ApplyTo(gateways));
        return services;
    }
}
