using System.Net;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary>The Orleans dashboard at /orleans: admin keys only.</summary>
public sealed class DashboardTests(SecuredWebApp secured) : IClassFixture<SecuredWebApp>
{
    private readonly TestWebApp _app = secured.App;

    [Fact]
    public async Task Without_a_key_it_is_401() =>
        ProblemAssert.Is(HttpStatusCode.Unauthorized, await _app.CreateClient().GetAsync("/orleans/"));

    [Theory]
    [InlineData(SecuredWebApp.ViewerOfCityA)]
    [InlineData(SecuredWebApp.ManagerOfEnt1)]
    public async Task With_another_role_it_is_403(string key) =>
        ProblemAssert.Is(HttpStatusCode.Forbidden, await _app.CreateClient(key).GetAsync("/orleans/"));

    [Fact]
    public async Task An_admin_sees_it()
    {
        var response = await _app.CreateAdminClient().GetAsync("/orleans/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    // The dashboard's own parse of these threw: a 500 (found by the hostile HTTP suite).
    [Theory]
    [InlineData("/orleans/SiloCounters/ghost")]
    [InlineData("/orleans/SiloMetadata/..%2F..%2Fetc")]
    [InlineData("/orleans/SiloProperties/127.0.0.1:1")]
    [InlineData("/orleans/HistoricalStats/%E4%B8%AD")]
    public async Task A_malformed_silo_address_is_a_400_naming_it(string path) =>
        await ProblemAssert.NamesFieldAsync("address", await _app.CreateAdminClient().GetAsync(path));
}

/// <summary><c>OrleansDashboard:Enabled=false</c>: no dashboard, even for an admin.</summary>
public sealed class DashboardOffTests : IDisposable
{
    private readonly TestWebApp _app = new(new Dictionary<string, string?> { ["OrleansDashboard:Enabled"] = "false" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Turned_off_it_is_not_there() =>
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateAdminClient().GetAsync("/orleans/")).StatusCode);
}
