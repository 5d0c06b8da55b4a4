using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Web;

/// <summary>The registry endpoints: changes that apply, and refused ones that change nothing.</summary>
public sealed class RegistryApiTests(TestWebApp app) : IClassFixture<TestWebApp>
{
    private readonly HttpClient _http = app.CreateAdminClient();

    [Fact]
    public async Task The_registry_reads_as_the_spec_document()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/registry"));
        Assert.Contains(json.RootElement.GetProperty("regions").EnumerateArray(), r => r.GetProperty("id").GetString() == "prov" && r.GetProperty("timeZone").GetString() == TestRegistry.RealClockTimeZone);
        var ent1 = json.RootElement.GetProperty("enterprises").EnumerateArray().Single(e => e.GetProperty("id").GetString() == "ent-1");
        Assert.Equal(["p1", "s1"], ent1.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(2000, ent1.GetProperty("lines")[0].GetProperty("plan").GetProperty("goodPerDay").GetInt64());
    }

    [Fact]
    public async Task An_enterprise_is_added_changed_and_removed()
    {
        var put = await PutAsync("/api/registry/enterprises/new-co", """
            { "name": "新公司", "nameEn": "New Co", "region": "city-a", "chain": "chain-y",
              "lines": [ { "id": "l1", "name": "一号线", "kind": "production", "unitValueCny": 2, "plan": { "goodPerDay": 100 } } ] }
            """);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("new-co", (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        // The new line told its enterprise its plan on being configured; flushing waits for that push.
        await Rollups.FlushAllAsync(app.Grains);
        using (var snapshot = JsonDocument.Parse(await _http.GetStringAsync("/api/snapshot/enterprise:new-co")))
        {
            Assert.Equal(100, snapshot.RootElement.GetProperty("plan").GetProperty("good").GetInt64());
        }

        Assert.Equal(HttpStatusCode.OK, (await PutAsync("/api/registry/enterprises/new-co", """
            { "id": "new-co", "name": "新公司", "region": "city-a", "lines": [ { "id": "l2", "name": "二号线", "kind": "shipment" } ] }
            """)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/snapshot/line:new-co/l1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/api/snapshot/line:new-co/l2")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync("/api/registry/enterprises/new-co")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/snapshot/enterprise:new-co")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync("/api/registry/enterprises/new-co")).StatusCode);
    }

    [Fact]
    public async Task Regions_and_chains_are_upserted()
    {
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("/api/registry/regions/city-c", """{ "name": "丙市", "nameEn": "City C", "parent": "prov" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("/api/registry/chains/chain-z", """{ "name": "丙链" }""")).StatusCode);

        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/registry"));
        Assert.Contains(json.RootElement.GetProperty("regions").EnumerateArray(), r => r.GetProperty("id").GetString() == "city-c" && r.GetProperty("parent").GetString() == "prov");
        Assert.Contains(json.RootElement.GetProperty("chains").EnumerateArray(), c => c.GetProperty("id").GetString() == "chain-z");
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/api/snapshot/region:city-c")).StatusCode);
    }

    [Theory]
    [InlineData("""{ "name": "X", "region": "nowhere", "lines": [] }""", "region")]
    [InlineData("""{ "name": "X", "region": "city-a", "chain": "no-chain", "lines": [] }""", "chain")]
    [InlineData("""{ "name": "X", "region": "city-a", "lines": [ { "id": "l1", "name": "L", "kind": "production", "plan": { "goodPerDay": -5 } } ] }""", "lines[0].plan.goodPerDay")]
    [InlineData("""{ "name": "X", "region": "city-a", "lines": [ { "id": "l1", "name": "L", "kind": "production" }, { "id": "l1", "name": "L", "kind": "production" } ] }""", "lines[1].id")]
    [InlineData("""{ "name": "X", "region": "city-a", "lines": [ { "id": "Bad_Id", "name": "L", "kind": "production" } ] }""", "lines[0].id")]
    [InlineData("""{ "name": "X", "region": "city-a", "lines": [ { "id": "l1", "name": "L", "kind": "teleport" } ] }""", "lines[0].kind")]
    [InlineData("""{ "region": "city-a", "lines": [] }""", "name")]
    public async Task An_invalid_enterprise_is_refused_naming_the_field_and_changes_nothing(string body, string field)
    {
        var before = await _http.GetStringAsync("/api/registry");

        var response = await PutAsync("/api/registry/enterprises/bad-co", body);

        ProblemAssert.Is(HttpStatusCode.BadRequest, response);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = json.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains(field, errors);
        Assert.Equal(before, await _http.GetStringAsync("/api/registry"));
    }

    [Theory]
    [InlineData("/api/registry/enterprises/bad-co", "{ \"name\": ", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/bad-co", "[1, 2]", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/bad-co", "null", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/bad-co", "{ \"name\": 12, \"region\": \"city-a\" }", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/bad-co", "{ \"id\": \"other\", \"name\": \"X\", \"region\": \"city-a\" }", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/Bad_Co", "{ \"name\": \"X\", \"region\": \"city-a\" }", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/..%2F..%2Fetc", "{ \"name\": \"X\", \"region\": \"city-a\" }", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/alerts", "{ \"name\": \"X\", \"region\": \"city-a\" }", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/regions/prov", "{ \"name\": \"P\", \"parent\": \"city-a\" }", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/regions/r-x", "{ \"name\": \"R\", \"timeZone\": \"Mars/Olympus\" }", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/chains/c-x", "{ \"name\": \"" + "长" + "\", \"nameEn\": 5 }", HttpStatusCode.BadRequest)]
    public async Task Malformed_and_hostile_changes_get_problem_details_and_change_nothing(string path, string body, HttpStatusCode expected)
    {
        var before = await _http.GetStringAsync("/api/registry");

        var response = await PutAsync(path, body);

        ProblemAssert.Is(expected, response);
        Assert.Equal(before, await _http.GetStringAsync("/api/registry"));
    }

    [Theory]
    [InlineData("/api/registry/enterprises/Bad_Co", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/..%2F..%2Fetc", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/%E4%B8%AD", HttpStatusCode.BadRequest)]
    [InlineData("/api/registry/enterprises/ghost", HttpStatusCode.NotFound)]
    public async Task Deleting_a_bad_or_unknown_enterprise_gets_problem_details_and_changes_nothing(string path, HttpStatusCode expected)
    {
        var before = await _http.GetStringAsync("/api/registry");
        ProblemAssert.Is(expected, await _http.DeleteAsync(path));
        Assert.Equal(before, await _http.GetStringAsync("/api/registry"));
    }

    [Fact]
    public async Task An_oversized_id_is_refused_without_echoing_it()
    {
        var response = await PutAsync("/api/registry/chains/" + new string('c', 5000), """{ "name": "X" }""");
        ProblemAssert.Is(HttpStatusCode.BadRequest, response);
        Assert.True((await response.Content.ReadAsStringAsync()).Length < 1000);
    }

    [Fact]
    public async Task Deeply_nested_json_is_refused()
    {
        var body = "{ \"name\": \"X\", \"region\": \"city-a\", \"extra\": " + new string('[', 500) + new string(']', 500) + " }";
        var response = await PutAsync("/api/registry/enterprises/deep-co", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/snapshot/enterprise:deep-co")).StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_it_is_parsed()
    {
        var lines = string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"{{ \"id\": \"l{i}\", \"name\": \"{new string('x', 40)}\", \"kind\": \"production\" }}"));
        var response = await PutAsync("/api/registry/enterprises/huge-co", $"{{ \"name\": \"X\", \"region\": \"city-a\", \"lines\": [ {lines} ] }}");
        ProblemAssert.Is(HttpStatusCode.RequestEntityTooLarge, response);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused()
    {
        var response = await _http.PutAsync("/api/registry/chains/c-x", new StringContent("name=X", Encoding.UTF8, "application/x-www-form-urlencoded"));
        ProblemAssert.Is(HttpStatusCode.UnsupportedMediaType, response);
    }

    private Task<HttpResponseMessage> PutAsync(string path, string json) =>
        _http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}
