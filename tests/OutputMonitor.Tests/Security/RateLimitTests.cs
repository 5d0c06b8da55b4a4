using System.Net;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary>The API's rate limit: per key, or per client address without one; 429 with problem details; the rest of the app unlimited.</summary>
public sealed class RateLimitTests : IDisposable
{
    private const int Limit = 5;

    private readonly TestWebApp _app = new(new Dictionary<string, string?>
    {
        ["RateLimit:PermitLimit"] = Limit.ToString(),
        ["RateLimit:WindowSeconds"] = "3600",
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Requests_over_the_limit_get_429_with_problem_details()
    {
        var client = _app.CreateClient();
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/snapshot/region:prov")).StatusCode);
        }

        var refused = await client.GetAsync("/api/snapshot/region:prov");

        ProblemAssert.Is(HttpStatusCode.TooManyRequests, refused);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // Not the pages, not health: only the API is limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/plant.html")).StatusCode);
        // Each key has its own budget.
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateAdminClient().GetAsync("/api/snapshot/region:prov")).StatusCode);
    }
}
