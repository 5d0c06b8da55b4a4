using System.Net;
using System.Text;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary>The loopback demo's default: reads without a key see everything readable; writes still need a key of the right role.</summary>
public sealed class AnonymousReadTests(TestWebApp app) : IClassFixture<TestWebApp>
{
    [Theory]
    [InlineData("/api/snapshot/region:prov")]
    [InlineData("/api/snapshot/line:ent-3/p1")]
    [InlineData("/api/alerts")]
    [InlineData("/api/deadletters?enterprise=unrouted")]
    [InlineData("/api/registry")]
    [InlineData("/api/me")]
    public async Task Reads_without_a_key_see_everything(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(path)).StatusCode);

    [Theory]
    [InlineData("POST", "/api/alerts/ent-1.p1.down.anon/ack")]
    [InlineData("PUT", "/api/registry/chains/chain-anon")]
    [InlineData("DELETE", "/api/registry/enterprises/ent-3")]
    public async Task Writes_without_a_key_are_still_401(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "DELETE" ? null : new StringContent("""{ "name": "X" }""", Encoding.UTF8, "application/json"),
        };

        var response = await app.CreateClient().SendAsync(request);

        ProblemAssert.Is(HttpStatusCode.Unauthorized, response);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_even_where_anonymous_reads_are_allowed() =>
        ProblemAssert.Is(HttpStatusCode.Unauthorized, await app.CreateClient("a-guessed-key").GetAsync("/api/snapshot/region:prov"));

    [Fact]
    public async Task Me_is_anonymous_without_a_key()
    {
        var me = await app.CreateClient().GetStringAsync("/api/me");

        Assert.Equal("""{"scopes":[],"acknowledgeAll":false,"acknowledgeEnterprises":[]}""", me);
    }

    [Fact]
    public async Task The_hub_accepts_anonymous_subscribers()
    {
        await using var connection = app.CreateHubConnection();
        await connection.StartAsync();

        var snapshot = await Microsoft.AspNetCore.SignalR.Client.HubConnectionExtensions.InvokeAsync<System.Text.Json.JsonElement>(connection, "Subscribe", "region:city-b");

        Assert.Equal("region:city-b", snapshot.GetProperty("scope").GetString());
    }
}
