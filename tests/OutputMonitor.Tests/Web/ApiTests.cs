using System.Net;
using System.Text.Json;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Web;

/// <summary>The one-command host (Web's Program) on free ports, simulator off: the HTTP surface of issue 3.</summary>
public sealed class ApiTests : IClassFixture<TestWebApp>
{
    private readonly HttpClient _http;
    private readonly TestWebApp _host;

    public ApiTests(TestWebApp host)
    {
        _host = host;
        _http = host.CreateClient();
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
        var ready = await _http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("clusterJoined").GetBoolean());
    }

    [Fact]
    public async Task A_snapshot_has_the_spec_shape()
    {
        await _host.Grains.GetLineGrain("ent-1", "p1").IngestAsync([Reading.Output("a", DateTimeOffset.UtcNow, 4)]);

        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/snapshot/line:ent-1/p1"));
        var root = json.RootElement;
        Assert.Equal("line:ent-1/p1", root.GetProperty("scope").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", root.GetProperty("asOf").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", root.GetProperty("day").GetString());
        Assert.Equal(["good", "scrap", "tons", "valueCny"], root.GetProperty("today").EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, root.GetProperty("today").GetProperty("good").GetInt64());
        Assert.Equal(["good", "tons"], root.GetProperty("plan").EnumerateObject().Select(p => p.Name));
        Assert.True(root.TryGetProperty("lastSeen", out _));

        using var region = JsonDocument.Parse(await _http.GetStringAsync("/api/snapshot/region:prov"));
        Assert.False(region.RootElement.TryGetProperty("state", out _));
        Assert.False(region.RootElement.TryGetProperty("lastSeen", out _));
        Assert.Equal(2, region.RootElement.GetProperty("children").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/snapshot/region:nowhere", HttpStatusCode.NotFound)]
    [InlineData("/api/snapshot/line:ent-1/ghost", HttpStatusCode.NotFound)]
    [InlineData("/api/snapshot/bogus", HttpStatusCode.BadRequest)]
    [InlineData("/api/snapshot/region:Prov", HttpStatusCode.BadRequest)]
    [InlineData("/api/snapshot/line:ent-1/p1/extra", HttpStatusCode.BadRequest)]
    [InlineData("/api/snapshot/enterprise:..%2F..%2Fetc", HttpStatusCode.BadRequest)]
    [InlineData("/api/snapshot/region:a%20b", HttpStatusCode.BadRequest)]
    [InlineData("/api/snapshot/region:%E4%B8%AD", HttpStatusCode.BadRequest)]
    [InlineData("/api/deadletters?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/deadletters?limit=100000", HttpStatusCode.BadRequest)]
    [InlineData("/api/deadletters?limit=abc", HttpStatusCode.BadRequest)]
    [InlineData("/api/deadletters?enterprise=..%2Fetc", HttpStatusCode.BadRequest)]
    [InlineData("/openapi/v2.json", HttpStatusCode.NotFound)]
    [InlineData("/openapi/..%2F..%2Fetc.json", HttpStatusCode.NotFound)]
    public async Task Bad_requests_get_problem_details(string path, HttpStatusCode expected)
    {
        var response = await _http.GetAsync(path);
        ProblemAssert.Is(expected, response);
    }

    [Fact]
    public async Task An_oversized_scope_is_refused_without_echoing_it()
    {
        var response = await _http.GetAsync("/api/snapshot/region:" + new string('a', 5000));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadAsStringAsync()).Length < 1000);
    }

    [Fact]
    public async Task Dead_letters_are_listed_newest_first()
    {
        await _host.Grains.GetGrain<IDeadLetterGrain>("ent-2").AddAsync(
        [
            new DeadLetter("malformed_json", "not JSON", "om/v1/ent-2/p1/output", null, "{", DateTimeOffset.UtcNow.AddMinutes(-1)),
            new DeadLetter("schema_violation", "field 'id' is required", "om/v1/ent-2/p1/output", 2, "{}", DateTimeOffset.UtcNow),
        ]);

        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/deadletters?enterprise=ent-2&limit=5"));
        Assert.Equal(["schema_violation", "malformed_json"], json.RootElement.EnumerateArray().Select(d => d.GetProperty("code").GetString()));
        Assert.Equal(2, json.RootElement[0].GetProperty("index").GetInt32());
        Assert.False(json.RootElement[1].TryGetProperty("index", out _));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints()
    {
        var document = await _http.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/snapshot/{scope}", "/api/history/{scope}", "/api/deadletters", "/api/alerts", "/api/alerts/{id}/ack", "/api/registry", "/api/registry/enterprises/{id}", "/api/registry/regions/{id}", "/api/registry/chains/{id}", "/healthz", "/readyz" })
        {
            Assert.Contains($"\"{path}\"", document, StringComparison.Ordinal);
        }
    }
}
