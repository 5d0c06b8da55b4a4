using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using OutputMonitor.Silo;
using OutputMonitor.Tests.Support;
using OutputMonitor.Web.Security;
using StackExchange.Redis;

namespace OutputMonitor.Tests.Security;

/// <summary>In a Redis cluster the web nodes share the sign-in cookie's key ring through Redis: what one node protects, another reads.</summary>
public sealed class SessionKeyRingTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_cookie_protected_on_one_web_node_is_read_on_another()
    {
        await using var first = Node();
        await using var second = Node();

        var cookie = Protector(first).Protect("signed in on the first node");

        Assert.Equal("signed in on the first node", Protector(second).Unprotect(cookie));
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.True(await connection.GetDatabase().KeyExistsAsync(SessionCookie.KeyRingRedisKey));
    }

    private ServiceProvider Node()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<RedisOptions>().Configure(options => options.ConnectionString = redis.ConnectionString);
        services.AddSingleton<RedisConnection>();
        services.AddSessionKeyRing(inRedis: true);
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider node) =>
        node.GetRequiredService<IDataProtectionProvider>().CreateProtector("session-key-ring-test");
}
