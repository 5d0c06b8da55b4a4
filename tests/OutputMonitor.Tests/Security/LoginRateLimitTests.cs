using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary>Sign-in attempts are limited per client address and per name, apart from the API's own limit: 429 with a problem and Retry-After.</summary>
public sealed class LoginRateLimitTests : IDisposable
{
    private const int Limit = 3;

    private readonly TestWebApp _app = new(new[]
    {
        TestWebApp.UserSettings(0, SignInWebApp.Manager, SignInWebApp.ManagerPassword, "manager", "enterprise:ent-1"),
        new Dictionary<string, string?>
        {
            ["RateLimit:LoginPermitLimit"] = Limit.ToString(),
            ["RateLimit:LoginWindowSeconds"] = "3600",
            // The API's limit is lower still: sign-ins must not count against it, nor it against them.
            ["RateLimit:PermitLimit"] = "2",
            ["RateLimit:WindowSeconds"] = "3600",
        },
    }.SelectMany(s => s).ToDictionary());

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Attempts_from_one_address_beyond_the_limit_get_429_whatever_the_name()
    {
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, (await AttemptAsync("127.0.0.11", $"someone-{i}", "wrong")).Response.StatusCode);
        }

        var refused = await AttemptAsync("127.0.0.11", "someone-else", "wrong");
        var otherAddress = await AttemptAsync("127.0.0.12", "someone-else", "wrong");

        await AssertTooManyAsync(refused);
        Assert.Equal(StatusCodes.Status401Unauthorized, otherAddress.Response.StatusCode);
        // The API's own budget (2) is untouched by the sign-ins.
        var api = _app.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/snapshot/region:prov")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/snapshot/region:prov")).StatusCode);
    }

    [Fact]
    public async Task Attempts_for_one_name_beyond_the_limit_get_429_from_any_address_even_with_the_right_password()
    {
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, (await AttemptAsync($"127.0.1.{i + 1}", "Manager-1", "wrong")).Response.StatusCode);
        }

        var refused = await AttemptAsync("127.0.1.99", SignInWebApp.Manager, SignInWebApp.ManagerPassword);

        await AssertTooManyAsync(refused);
        Assert.False(refused.Response.Headers.ContainsKey("Set-Cookie"));
    }

    private static async Task AssertTooManyAsync(HttpContext refused)
    {
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.Response.StatusCode);
        Assert.Equal("application/problem+json", refused.Response.ContentType?.Split(';')[0]);
        Assert.True(int.Parse(refused.Response.Headers.RetryAfter.ToString()) > 0);
        Assert.Contains("Too many", await new StreamReader(refused.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }

    /// <summary>A sign-in from a client address of our choosing (the test server has none of its own).</summary>
    private Task<HttpContext> AttemptAsync(string address, string name, string password) =>
        _app.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = "/api/login";
            context.Request.ContentType = "application/json";
            var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { name, password }));
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        });
}
