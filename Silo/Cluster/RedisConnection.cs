using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OutputMonitor.Silo;

/// <summary>The one Redis connection a process shares between membership and grain storage.</summary>
public sealed class RedisConnection(IOptions<RedisOptions> options) : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection = new(() => Connect(options.Value.ConnectionString));

    /// <summary>The parsed connection string (Orleans' Redis options ask for it even with a shared connection).</summary>
    public ConfigurationOptions Configuration => Parse(options.Value.ConnectionString);

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    /// <summary>Points Orleans' Redis membership at this connection.</summary>
    public void Apply(Orleans.Clustering.Redis.RedisClusteringOptions options)
    {
        options.ConfigurationOptions = Configuration;
        options.CreateMultiplexer = async _ => (await GetAsync(), true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            var connection = await _connection.Value;
            await connection.DisposeAsync();
        }
    }

    private static async Task<IConnectionMultiplexer> Connect(string connectionString)
    {
        return await ConnectionMultiplexer.ConnectAsync(Parse(connectionString));
    }

    private static ConfigurationOptions Parse(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);

        // Keep retrying while Redis restarts, rather than failing the silo at once.
        configuration.AbortOnConnectFail = false;
        return configuration;
    }
}
