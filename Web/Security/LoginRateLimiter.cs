using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace OutputMonitor.Web.Security;

/// <summary>
/// Sign-in attempts, apart from the API's limit: at most <see cref="RateLimitOptions.LoginPermitLimit"/>
/// per <see cref="RateLimitOptions.LoginWindowSeconds"/> from one client address, and as many for
/// one name from anywhere, so guessing one person's password from many addresses is slow too. The
/// name is in the body, so this is asked by the endpoint, not by the rate-limiting middleware.
/// </summary>
public sealed class LoginRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Attempt> _limiter;
    private readonly TimeSpan _window;

    public LoginRateLimiter(IOptions<RateLimitOptions> options)
    {
        var limit = options.Value.LoginPermitLimit;
        _window = TimeSpan.FromSeconds(options.Value.LoginWindowSeconds);
        _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<Attempt, string>(a => Window("ip:" + a.Address, limit)),
            PartitionedRateLimiter.Create<Attempt, string>(a => Window("name:" + a.Name, limit)));
    }

    /// <summary>Null when the attempt may go on; otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(IPAddress? address, string name)
    {
        using var lease = _limiter.AttemptAcquire(new Attempt(address?.ToString() ?? "", name.Trim().ToUpperInvariant()));
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : _window;
    }

    public void Dispose() => _limiter.Dispose();

    private RateLimitPartition<string> Window(string key, int limit) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = _window, QueueLimit = 0 });

    private readonly record struct Attempt(string Address, string Name);
}
