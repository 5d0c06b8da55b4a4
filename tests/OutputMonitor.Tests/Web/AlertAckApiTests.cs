using System.Net;
using System.Text.Json;
using OutputMonitor.Alerts;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Web;

/// <summary><c>POST /api/alerts/{id}/ack</c>: who and when, idempotence, cleared alerts, bad input.</summary>
public sealed class AlertAckApiTests(TestWebApp app) : IClassFixture<TestWebApp>
{
    private readonly HttpClient _http = app.CreateAdminClient();

    [Fact]
    public async Task Acknowledging_records_who_and_when_and_a_rule_reporting_again_keeps_it()
    {
        var book = app.Grains.GetGrain<IAlertBookGrain>("ent-2");
        var raised = HistoryAndAlertApiTests.Alert("ent-2.p1.down.ack", "line:ent-2/p1", AlertStatuses.Active, DateTimeOffset.UtcNow.AddMinutes(-5));
        await book.RecordAsync([raised]);

        var before = DateTimeOffset.UtcNow;
        var response = await _http.PostAsync("/api/alerts/ent-2.p1.down.ack/ack", new StringContent("""{ "by": "张经理" }""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal("acknowledged", json.RootElement.GetProperty("status").GetString());
            Assert.Equal("张经理", json.RootElement.GetProperty("acknowledgedBy").GetString());
            Assert.InRange(json.RootElement.GetProperty("acknowledgedAt").GetDateTimeOffset(), before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        }

        // Again: answered as it is, first acknowledgement kept.
        var again = await _http.PostAsync("/api/alerts/ent-2.p1.down.ack/ack", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("张经理", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The rule reports it again, still active, then cleared: the acknowledgement stays.
        await book.RecordAsync([raised with { Message = "still down" }]);
        Assert.Equal(["ent-2.p1.down.ack"], await GetAlertIdsAsync("/api/alerts?scope=line:ent-2/p1&status=acknowledged"));
        await book.RecordAsync([raised with { Status = AlertStatuses.Cleared, ClearedAt = DateTimeOffset.UtcNow }]);
        var cleared = (await book.GetAlertsAsync()).Single(a => a.Id == "ent-2.p1.down.ack");
        Assert.Equal(("cleared", "张经理"), (cleared.Status, cleared.AcknowledgedBy));

        var late = await _http.PostAsync("/api/alerts/ent-2.p1.down.ack/ack", null);
        ProblemAssert.Is(HttpStatusCode.Conflict, late);
    }

    [Theory]
    [InlineData("/api/alerts/ent-2.p1.down.none/ack", null, HttpStatusCode.NotFound)]
    [InlineData("/api/alerts/nowhere.p1.down.1/ack", null, HttpStatusCode.NotFound)]
    [InlineData("/api/alerts/no-dot/ack", null, HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts/Ent-2.p1.down.1/ack", null, HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts/..%2F..%2Fetc/ack", null, HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts/ent-2.p1.down.1/ack", "{ \"by\": ", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts/ent-2.p1.down.1/ack", "{ \"by\": 42 }", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts/ent-2.p1.down.1/ack", "{ \"by\": \"\" }", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts/ent-2.p1.down.1/ack", "{ \"by\": \"a\\u0000b\" }", HttpStatusCode.BadRequest)]
    public async Task Bad_acknowledgements_get_problem_details(string path, string? body, HttpStatusCode expected)
    {
        var response = await _http.PostAsync(path, body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        ProblemAssert.Is(expected, response);
    }

    [Fact]
    public async Task An_oversized_acknowledgement_is_refused()
    {
        await app.Grains.GetGrain<IAlertBookGrain>("ent-3").RecordAsync([HistoryAndAlertApiTests.Alert("ent-3.p2.stale.big", "line:ent-3/p2", AlertStatuses.Active, DateTimeOffset.UtcNow)]);
        var response = await _http.PostAsync("/api/alerts/ent-3.p2.stale.big/ack", new StringContent($"{{ \"by\": \"{new string('x', 10_000)}\" }}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("active", (await app.Grains.GetGrain<IAlertBookGrain>("ent-3").GetAlertsAsync()).Single(a => a.Id == "ent-3.p2.stale.big").Status);
    }

    private async Task<List<string>> GetAlertIdsAsync(string path)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(path));
        return [.. json.RootElement.EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];
    }
}
