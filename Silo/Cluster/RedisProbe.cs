using StackExchange.Redis;

namespace OutputMonitor.Silo;

/// <summary>Whether Redis answers, through the process's shared connection (readiness).</summary>
public static class RedisProbe
{
    /// <summary>PING through <paramref name="redis"/>; false when it fails or takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<bool> IsReachableAsync(this RedisConnection redis, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ping = PingAsync(redis);
        try
        {
            await ping.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            // The ping fails later on its own (the connection's timeout); nobody waits for it.
            _ = ping.ContinueWith(static p => p.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return false;
        }
        catch (RedisException)
        {
            return false;
        }
    }

    private static async Task PingAsync(RedisConnection redis)
    {
        var connection = await redis.GetAsync();
        await connection.GetDatabase().PingAsync();
    }
}
