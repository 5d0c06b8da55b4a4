using System.ComponentModel.DataAnnotations;
using System.Net;

namespace OutputMonitor.Silo;

/// <summary>Cluster settings (configuration section <c>Orleans</c>, names as in spec/api.md).</summary>
public sealed class OrleansHostOptions : IValidatableObject
{
    public const string Section = "Orleans";
    public const string LocalhostClustering = "localhost";
    public const string RedisClustering = "redis";

    /// <summary><c>localhost</c> (one silo, in-memory state) or <c>redis</c> (Redis membership and grain storage).</summary>
    [RegularExpression("^(localhost|redis)$", ErrorMessage = "Orleans:Clustering must be 'localhost' or 'redis'")]
    public string Clustering { get; set; } = LocalhostClustering;

    [Required]
    public string ClusterId { get; set; } = "outputmonitor";

    [Required]
    public string ServiceId { get; set; } = "outputmonitor";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address a silo tells the others and the clients to reach it at (<c>redis</c> clustering): this
    /// machine's address on the cluster's network when silos run on several machines.
    /// </summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface (behind NAT or in a container) instead of only <see cref="AdvertisedAddress"/>.</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>
    /// How long a gateway's or web node's grain call waits for its answer (Orleans' default is 30 s).
    /// A call a silo forwarded to another silo that then died is not failed by Orleans 10.4 until
    /// this runs out (dotnet/orleans#10165); the gateway retries it and the line's dedupe keeps the
    /// totals exact, so a shorter wait is a faster recovery from a killed silo.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ClientResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool UsesRedis => Clustering == RedisClustering;

    /// <summary>The parsed <see cref="AdvertisedAddress"/> (a method: validation reads every property, and this one throws on a bad address).</summary>
    public IPAddress ParseAdvertisedAddress() => IPAddress.Parse(AdvertisedAddress);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult($"Orleans:AdvertisedAddress '{AdvertisedAddress}' is not an IP address", [nameof(AdvertisedAddress)]);
        }

        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult("Orleans:SiloPort and Orleans:GatewayPort must differ", [nameof(GatewayPort)]);
        }
    }
}

/// <summary>Redis (configuration section <c>Redis</c>).</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    public string ConnectionString { get; set; } = "127.0.0.1:6379";
}
