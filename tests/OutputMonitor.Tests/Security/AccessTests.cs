using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OutputMonitor.Alerts;
using OutputMonitor.Tests.Support;
using OutputMonitor.Tests.Web;

namespace OutputMonitor.Tests.Security;

/// <summary>spec/api.md Security with anonymous reads off: 401 without a key, 403 with the wrong role or outside the key's scopes.</summary>
public sealed class AccessTests(SecuredWebApp secured) : IClassFixture<SecuredWebApp>
{
    private readonly TestWebApp _app = secured.App;

    public static TheoryData<string> Reads => new()
    {
        "/api/snapshot/region:prov",
        "/api/history/region:prov",
        "/api/alerts",
        "/api/deadletters",
        "/api/reports/daily",
        "/api/registry",
        "/api/me",
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Reads_without_a_key_are_401_with_a_bearer_challenge(string path)
    {
        var response = await _app.CreateClient().GetAsync(path);

        ProblemAssert.Is(HttpStatusCode.Unauthorized, response);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Reads_with_an_unknown_key_are_401(string path) =>
        ProblemAssert.Is(HttpStatusCode.Unauthorized, await _app.CreateClient("not-a-configured-key").GetAsync(path));

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Reads_with_the_admin_key_succeed(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateAdminClient().GetAsync(path)).StatusCode);

    public static TheoryData<string, string> Writes => new()
    {
        { "POST", "/api/alerts/ent-1.p1.down.w/ack" },
        { "PUT", "/api/registry/enterprises/ent-9" },
        { "DELETE", "/api/registry/enterprises/ent-3" },
        { "PUT", "/api/registry/regions/city-z" },
        { "PUT", "/api/registry/chains/chain-z" },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Writes_without_a_key_are_401(string method, string path)
    {
        var response = await _app.CreateClient().SendAsync(Request(method, path));

        ProblemAssert.Is(HttpStatusCode.Unauthorized, response);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Writes_with_a_viewer_key_are_403(string method, string path) =>
        ProblemAssert.Is(HttpStatusCode.Forbidden, await _app.CreateClient(SecuredWebApp.ViewerOfCityA).SendAsync(Request(method, path)));

    [Theory]
    [InlineData("PUT", "/api/registry/enterprises/ent-9")]
    [InlineData("DELETE", "/api/registry/enterprises/ent-1")]
    [InlineData("PUT", "/api/registry/regions/city-z")]
    [InlineData("PUT", "/api/registry/chains/chain-z")]
    public async Task Registry_writes_with_a_manager_key_are_403_and_change_nothing(string method, string path)
    {
        var before = await _app.CreateAdminClient().GetStringAsync("/api/registry");

        ProblemAssert.Is(HttpStatusCode.Forbidden, await _app.CreateClient(SecuredWebApp.ManagerOfEnt1).SendAsync(Request(method, path)));

        Assert.Equal(before, await _app.CreateAdminClient().GetStringAsync("/api/registry"));
    }

    [Theory]
    [InlineData("/api/snapshot/enterprise:ent-1", HttpStatusCode.OK)]
    [InlineData("/api/snapshot/line:ent-1/p1", HttpStatusCode.OK)]
    [InlineData("/api/snapshot/region:city-a", HttpStatusCode.OK)]
    [InlineData("/api/snapshot/enterprise:ent-2", HttpStatusCode.Forbidden)]
    [InlineData("/api/snapshot/region:city-b", HttpStatusCode.Forbidden)]
    [InlineData("/api/snapshot/region:prov", HttpStatusCode.Forbidden)]
    [InlineData("/api/snapshot/chain:chain-x", HttpStatusCode.Forbidden)]
    [InlineData("/api/history/line:ent-1/s1?step=1d", HttpStatusCode.OK)]
    [InlineData("/api/history/enterprise:ent-3?step=1d", HttpStatusCode.Forbidden)]
    [InlineData("/api/alerts?scope=enterprise:ent-1", HttpStatusCode.OK)]
    [InlineData("/api/alerts?scope=region:city-b", HttpStatusCode.Forbidden)]
    [InlineData("/api/reports/daily?scope=region:city-a", HttpStatusCode.OK)]
    [InlineData("/api/reports/daily?scope=enterprise:ent-2", HttpStatusCode.Forbidden)]
    [InlineData("/api/deadletters?enterprise=ent-1", HttpStatusCode.OK)]
    [InlineData("/api/deadletters?enterprise=ent-2", HttpStatusCode.Forbidden)]
    [InlineData("/api/deadletters?enterprise=unrouted", HttpStatusCode.Forbidden)]
    public async Task A_viewer_of_a_city_reads_only_in_and_below_it(string path, HttpStatusCode expected)
    {
        var response = await _app.CreateClient(SecuredWebApp.ViewerOfCityA).GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            ProblemAssert.Is(expected, response);
        }
    }

    [Theory]
    [InlineData("/api/snapshot/line:ent-3/p2", HttpStatusCode.OK)]
    [InlineData("/api/snapshot/line:ent-3/p1", HttpStatusCode.Forbidden)]
    [InlineData("/api/snapshot/enterprise:ent-3", HttpStatusCode.Forbidden)]
    public async Task A_viewer_of_a_line_reads_that_line_only(string path, HttpStatusCode expected) =>
        Assert.Equal(expected, (await _app.CreateClient(SecuredWebApp.ViewerOfLine).GetAsync(path)).StatusCode);

    [Fact]
    public async Task A_manager_of_one_enterprise_can_neither_read_nor_acknowledge_anothers()
    {
        await RecordAsync("ent-2", "ent-2.p1.down.sec", "line:ent-2/p1");
        var manager = _app.CreateClient(SecuredWebApp.ManagerOfEnt1);

        ProblemAssert.Is(HttpStatusCode.Forbidden, await manager.GetAsync("/api/snapshot/enterprise:ent-2"));
        ProblemAssert.Is(HttpStatusCode.Forbidden, await manager.GetAsync("/api/alerts?scope=line:ent-2/p1"));
        ProblemAssert.Is(HttpStatusCode.Forbidden, await manager.PostAsync("/api/alerts/ent-2.p1.down.sec/ack", null));

        var stored = (await _app.Grains.GetGrain<IAlertBookGrain>("ent-2").GetAlertsAsync()).Single(a => a.Id == "ent-2.p1.down.sec");
        Assert.Equal(AlertStatuses.Active, stored.Status);
        // Its own manager may.
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient(SecuredWebApp.ManagerOfEnt2).PostAsync("/api/alerts/ent-2.p1.down.sec/ack", null)).StatusCode);
    }

    [Fact]
    public async Task A_manager_acknowledges_in_its_enterprise_recorded_as_its_key_without_a_name()
    {
        await RecordAsync("ent-1", "ent-1.p1.down.mgr", "line:ent-1/p1");

        var response = await _app.CreateClient(SecuredWebApp.ManagerOfEnt1).PostAsync("/api/alerts/ent-1.p1.down.mgr/ack", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("acknowledged", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(SecuredWebApp.ManagerOfEnt1Name, json.RootElement.GetProperty("acknowledgedBy").GetString());
    }

    [Fact]
    public async Task A_name_in_the_body_is_recorded_over_the_keys()
    {
        await RecordAsync("ent-1", "ent-1.s1.down.named", "line:ent-1/s1");

        var response = await _app.CreateClient(SecuredWebApp.ManagerOfEnt1).PostAsync("/api/alerts/ent-1.s1.down.named/ack", new StringContent("""{ "by": "李工" }""", Encoding.UTF8, "application/json"));

        Assert.Equal("李工", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgedBy").GetString());
    }

    [Fact]
    public async Task Alerts_without_a_scope_are_only_the_covered_ones()
    {
        await RecordAsync("ent-1", "ent-1.p1.stale.all", "line:ent-1/p1");
        await RecordAsync("ent-3", "ent-3.p1.stale.all", "line:ent-3/p1");
        await RecordAsync("ent-3", "ent-3.p2.stale.all", "line:ent-3/p2");

        var viewer = await IdsAsync(SecuredWebApp.ViewerOfCityA);
        var lineViewer = await IdsAsync(SecuredWebApp.ViewerOfLine);
        var admin = await IdsAsync(TestWebApp.AdminKey);

        Assert.Contains("ent-1.p1.stale.all", viewer);
        Assert.DoesNotContain(viewer, id => id.StartsWith("ent-3.", StringComparison.Ordinal) || id.StartsWith("ent-2.", StringComparison.Ordinal));
        Assert.Equal(["ent-3.p2.stale.all"], lineViewer);
        Assert.Contains("ent-3.p1.stale.all", admin);
        Assert.Contains("ent-1.p1.stale.all", admin);
    }

    [Fact]
    public async Task The_registry_read_by_a_viewer_holds_only_its_enterprises_and_lines()
    {
        using var city = JsonDocument.Parse(await _app.CreateClient(SecuredWebApp.ViewerOfCityA).GetStringAsync("/api/registry"));
        using var line = JsonDocument.Parse(await _app.CreateClient(SecuredWebApp.ViewerOfLine).GetStringAsync("/api/registry"));

        Assert.Equal(["ent-1", TestWebApp.WideEnterprise], Ids(city.RootElement.GetProperty("enterprises")));
        var only = Assert.Single(line.RootElement.GetProperty("enterprises").EnumerateArray());
        Assert.Equal("ent-3", only.GetProperty("id").GetString());
        Assert.Equal(["p2"], Ids(only.GetProperty("lines")));
    }

    [Fact]
    public async Task Me_tells_the_role_and_what_it_may_acknowledge()
    {
        var manager = await _app.CreateClient(SecuredWebApp.ManagerOfEnt1).GetFromJsonAsync<JsonElement>("/api/me");
        var viewer = await _app.CreateClient(SecuredWebApp.ViewerOfCityA).GetFromJsonAsync<JsonElement>("/api/me");
        var admin = await _app.CreateAdminClient().GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal("manager", manager.GetProperty("role").GetString());
        Assert.Equal(["enterprise:ent-1"], manager.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["ent-1"], manager.GetProperty("acknowledgeEnterprises").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("viewer", viewer.GetProperty("role").GetString());
        Assert.Empty(viewer.GetProperty("acknowledgeEnterprises").EnumerateArray());
        Assert.Equal("admin", admin.GetProperty("role").GetString());
        Assert.True(admin.GetProperty("acknowledgeAll").GetBoolean());
        Assert.False(manager.GetProperty("acknowledgeAll").GetBoolean());
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_key()
    {
        await using var connection = _app.CreateHubConnection();

        await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());
        Assert.NotEqual(HubConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task A_viewer_of_one_city_cannot_subscribe_to_anothers_scope()
    {
        await using var connection = _app.CreateHubConnection(SecuredWebApp.ViewerOfCityA);
        await connection.StartAsync();

        var own = await connection.InvokeAsync<JsonElement>("Subscribe", "enterprise:ent-1");
        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", "region:city-b"));
        var above = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", "region:prov"));

        Assert.Equal("enterprise:ent-1", own.GetProperty("scope").GetString());
        Assert.Contains("Forbidden scope 'region:city-b'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Forbidden scope 'region:prov'", above.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forbidden_scope_is_clipped_in_the_hub_error()
    {
        await using var connection = _app.CreateHubConnection(SecuredWebApp.ViewerOfCityA);
        await connection.StartAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", "region:" + new string('b', 60)));

        Assert.Contains("Forbidden scope", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.Message.Length < 250, refused.Message);
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "DELETE" ? null : new StringContent("""{ "name": "X", "region": "city-a", "lines": [] }""", Encoding.UTF8, "application/json"),
    };

    private Task RecordAsync(string enterprise, string id, string scope) => RecordAsync(_app, enterprise, id, scope);

    /// <summary>Puts an active alert, raised 5 minutes ago, in an enterprise's book.</summary>
    internal static Task RecordAsync(TestWebApp app, string enterprise, string id, string scope) =>
        app.Grains.GetGrain<IAlertBookGrain>(enterprise).RecordAsync([HistoryAndAlertApiTests.Alert(id, scope, AlertStatuses.Active, DateTimeOffset.UtcNow.AddMinutes(-5))]);

    private async Task<List<string>> IdsAsync(string key) =>
        [.. (await _app.CreateClient(key).GetFromJsonAsync<JsonElement>("/api/alerts?limit=1000")).EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];

    private static List<string?> Ids(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetProperty("id").GetString())];
}
