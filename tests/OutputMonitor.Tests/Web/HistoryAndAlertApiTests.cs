using System.Net;
using System.Text.Json;
using OutputMonitor.Alerts;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Web;

/// <summary><c>GET /api/history/{scope}</c> and <c>GET /api/alerts</c>, with their bad input.</summary>
public sealed class HistoryAndAlertApiTests(TestWebApp app) : IClassFixture<TestWebApp>
{
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task History_lists_buckets_by_event_time_at_each_step()
    {
        // Two readings in one minute and one in the next hour, at 10:05 and 11:02 of yesterday's plant day.
        var zone = PlantCalendar.GetZone(TestRegistry.RealClockTimeZone);
        var yesterday = PlantCalendar.DayStart(PlantCalendar.LocalDate(DateTimeOffset.UtcNow, zone).AddDays(-1), zone);
        var hour = yesterday.AddHours(10);
        await app.Grains.GetLineGrain("ent-2", "p1").IngestAsync(
        [
            Reading.Output("h1", hour.AddMinutes(5).AddSeconds(1), 3),
            Reading.Output("h2", hour.AddMinutes(5).AddSeconds(50), 4, scrap: 1),
            Reading.Output("h3", hour.AddHours(1).AddMinutes(2), 10),
        ]);

        var minutes = await GetPointsAsync($"/api/history/line:ent-2/p1?step=1m&from={Rfc(hour)}&to={Rfc(hour.AddHours(2))}");
        Assert.Equal([(hour.AddMinutes(5), 7L, 1L), (hour.AddHours(1).AddMinutes(2), 10L, 0L)], minutes);

        var hours = await GetPointsAsync($"/api/history/line:ent-2/p1?step=1h&from={Rfc(hour)}&to={Rfc(hour.AddHours(2))}");
        Assert.Equal([(hour, 7L, 1L), (hour.AddHours(1), 10L, 0L)], hours);

        // Only the first hour: 'to' is exclusive.
        Assert.Single(await GetPointsAsync($"/api/history/line:ent-2/p1?step=1h&from={Rfc(hour)}&to={Rfc(hour.AddHours(1))}"));

        // Days are plant days in the registry's zone: one day, starting at its local midnight.
        var days = await GetPointsAsync($"/api/history/line:ent-2/p1?step=1d&from={Rfc(hour.AddDays(-3))}&to={Rfc(hour.AddDays(1))}");
        Assert.Equal([(yesterday, 17L, 1L)], days);
    }

    [Fact]
    public async Task History_answers_with_the_spec_shape_and_defaults_to_recent_hours()
    {
        await app.Grains.GetLineGrain("ent-3", "p1").IngestAsync([Reading.Output("recent", DateTimeOffset.UtcNow, 5)]);

        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/history/line:ent-3/p1"));
        Assert.Equal("line:ent-3/p1", json.RootElement.GetProperty("scope").GetString());
        Assert.Equal("1h", json.RootElement.GetProperty("step").GetString());
        var point = Assert.Single(json.RootElement.GetProperty("points").EnumerateArray());
        Assert.Equal(["t", "good", "scrap", "tons", "valueCny"], point.EnumerateObject().Select(p => p.Name));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$", point.GetProperty("t").GetString());
    }

    [Theory]
    [InlineData("/api/history/line:ent-1/p1?step=5m", "step")]
    [InlineData("/api/history/line:ent-1/p1?step=", "step")]
    [InlineData("/api/history/line:ent-1/p1?from=yesterday", "from")]
    [InlineData("/api/history/line:ent-1/p1?from=2026-11-22", "from")]
    [InlineData("/api/history/line:ent-1/p1?from=2026-11-22T00:00:00", "from")]
    [InlineData("/api/history/line:ent-1/p1?from=2026-13-01T00:00:00Z", "from")]
    [InlineData("/api/history/line:ent-1/p1?to=2026-11-22T25:00:00Z", "to")]
    [InlineData("/api/history/line:ent-1/p1?from=2026-11-22T10:00:00Z&to=2026-11-22T09:00:00Z", "from")]
    [InlineData("/api/history/line:ent-1/p1?from=2026-11-22T10:00:00Z&to=2026-11-22T10:00:00Z", "from")]
    [InlineData("/api/history/line:ent-1/p1?step=1m&from=2026-01-01T00:00:00Z&to=2026-11-22T00:00:00Z", "from")]
    [InlineData("/api/history/line:ent-1/p1?step=1d&from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z", "from")]
    [InlineData("/api/history/line:ent-1/p1?from=2026-11-22T00:00:00%2B99:00", "from")]
    public async Task Bad_history_queries_name_the_parameter(string path, string field)
    {
        await ProblemAssert.NamesFieldAsync(field, await _http.GetAsync(path));
    }

    [Theory]
    [InlineData("/api/history/region:nowhere", HttpStatusCode.NotFound)]
    [InlineData("/api/history/line:ent-1/ghost?step=1d", HttpStatusCode.NotFound)]
    [InlineData("/api/history/bogus", HttpStatusCode.BadRequest)]
    [InlineData("/api/history/enterprise:..%2F..%2Fetc", HttpStatusCode.BadRequest)]
    public async Task History_of_bad_or_unknown_scopes_is_refused(string path, HttpStatusCode expected)
    {
        var response = await _http.GetAsync(path);
        ProblemAssert.Is(expected, response);
    }

    [Fact]
    public async Task Alerts_are_listed_in_and_below_a_scope_newest_first_by_status()
    {
        var t = DateTimeOffset.UtcNow.AddHours(-1);
        await app.Grains.GetGrain<IAlertBookGrain>("ent-1").RecordAsync(
        [
            Alert("ent-1.s1.shipment_shortfall.1", "line:ent-1/s1", AlertStatuses.Active, t),
            Alert("ent-1.p1.down.1", "line:ent-1/p1", AlertStatuses.Cleared, t.AddMinutes(1)),
        ]);
        await app.Grains.GetGrain<IAlertBookGrain>("ent-3").RecordAsync([Alert("ent-3.p1.stale.1", "line:ent-3/p1", AlertStatuses.Acknowledged, t.AddMinutes(2))]);

        Assert.Equal(["ent-3.p1.stale.1", "ent-1.p1.down.1", "ent-1.s1.shipment_shortfall.1"], await GetAlertIdsAsync("/api/alerts"));
        Assert.Equal(["ent-3.p1.stale.1", "ent-1.s1.shipment_shortfall.1"], await GetAlertIdsAsync("/api/alerts?status=open"));
        Assert.Equal(["ent-1.p1.down.1"], await GetAlertIdsAsync("/api/alerts?scope=region:prov&status=cleared"));
        Assert.Equal(["ent-3.p1.stale.1"], await GetAlertIdsAsync("/api/alerts?scope=region:city-b"));
        Assert.Equal(["ent-1.p1.down.1", "ent-1.s1.shipment_shortfall.1"], await GetAlertIdsAsync("/api/alerts?scope=chain:chain-x"));
        Assert.Equal(["ent-1.s1.shipment_shortfall.1"], await GetAlertIdsAsync("/api/alerts?scope=line:ent-1/s1"));
        Assert.Equal(["ent-3.p1.stale.1"], await GetAlertIdsAsync("/api/alerts?scope=enterprise:ent-3&status=acknowledged"));
        Assert.Equal(["ent-3.p1.stale.1"], await GetAlertIdsAsync("/api/alerts?limit=1"));

        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/alerts?scope=line:ent-1/s1"));
        var alert = json.RootElement[0];
        Assert.Equal("shipment_shortfall", alert.GetProperty("kind").GetString());
        Assert.Equal(1_000_000m, alert.GetProperty("details").GetProperty("plan").GetDecimal());
        Assert.Equal("month", alert.GetProperty("details").GetProperty("period").GetString());
        Assert.Equal(
            ["id", "scope", "kind", "severity", "status", "message", "raisedAt", "acknowledgedAt", "acknowledgedBy", "clearedAt", "details"],
            alert.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("acknowledgedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("clearedAt").ValueKind);
    }

    [Theory]
    [InlineData("/api/alerts?status=closed", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?status=", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?limit=5000", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?limit=x", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?scope=bogus", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?scope=region:..%2Fetc", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?scope=region:nowhere", HttpStatusCode.NotFound)]
    [InlineData("/api/alerts?scope=line:ent-1/ghost", HttpStatusCode.NotFound)]
    public async Task Bad_alert_queries_get_problem_details(string path, HttpStatusCode expected)
    {
        var response = await _http.GetAsync(path);
        ProblemAssert.Is(expected, response);
    }

    internal static Alert Alert(string id, string scope, string status, DateTimeOffset raisedAt) => new()
    {
        Id = id,
        Scope = scope,
        Kind = id.Split('.')[2],
        Severity = "warning",
        Status = status,
        Message = $"{id} test alert",
        RaisedAt = raisedAt,
        ClearedAt = status == AlertStatuses.Cleared ? raisedAt.AddMinutes(5) : null,
        Details = new AlertDetails { Period = "month", Actual = 610_000m, Expected = 720_000m, Plan = 1_000_000m, Projected = 847_000m },
    };

    private async Task<List<string>> GetAlertIdsAsync(string path)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(path));
        return [.. json.RootElement.EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];
    }

    private async Task<List<(DateTimeOffset T, long Good, long Scrap)>> GetPointsAsync(string path)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(path));
        return [.. json.RootElement.GetProperty("points").EnumerateArray().Select(p => (p.GetProperty("t").GetDateTimeOffset(), p.GetProperty("good").GetInt64(), p.GetProperty("scrap").GetInt64()))];
    }

    private static string Rfc(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
}
