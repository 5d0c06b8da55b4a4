using System.ComponentModel.DataAnnotations;

namespace OutputMonitor.Silo;

/// <summary>Cluster settings (configuration section <c>Orleans</c>, names as in spec/api.md).</summary>
public sealed class OrleansHostOptions
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

    public bool UsesRedis => Clustering == RedisClustering;
}

/// <summary>Redis (configuration section <c>Redis</c>).</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    public string ConnectionString { get; set; } = "127.0.0.1:6379";
}
