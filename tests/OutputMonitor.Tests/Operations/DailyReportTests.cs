using System.Net;
using System.Text;
using System.Text.Json;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Operations;

/// <summary>
/// GET /api/reports/daily on the one-command host (Small registry, on the real clock's zone): exact figures
/// of ingested readings, plans and attainment, quoting, formula injection, bad input. Each test
/// writes to lines or days no other test here reads.
/// </summary>
public sealed class DailyReportTests(TestWebApp host) : IClassFixture<TestWebApp>
{
    private const string Header = "scope,name,nameEn,kind,day,good,scrap,tons,valueCny,planGood,planTons,attainmentGood,attainmentTons,oee,availability,performance,quality";
    private static readonly TimeZoneInfo Zone = PlantCalendar.GetZone(TestRegistry.RealClockTimeZone);

    private readonly HttpClient _http = host.CreateClient();

    private static DateOnly Today => PlantCalendar.LocalDate(DateTimeOffset.UtcNow, Zone);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Noon of a plant day.</summary>
    private static DateTimeOffset NoonOf(DateOnly day) => PlantCalendar.DayStart(day, Zone).AddHours(12);

    private async Task<string[]> LinesOfAsync(string query)
    {
        var response = await _http.GetAsync("/api/reports/daily" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        return text[..^2].Split("\r\n");
    }

    [Fact]
    public async Task A_past_day_lists_the_enterprise_and_its_lines_with_exact_figures_plans_and_attainment()
    {
        var day = Today.AddDays(-2);
        await host.Grains.GetLineGrain("ent-1", "p1").IngestAsync(
            [Reading.Output("r1", NoonOf(day), good: 300, scrap: 3), Reading.Output("r2", NoonOf(day).AddMinutes(5), good: 200, scrap: 2)]);
        await host.Grains.GetLineGrain("ent-1", "p1").IngestAsync([Reading.Output("r1", NoonOf(day), good: 300, scrap: 3)]);
        await host.Grains.GetLineGrain("ent-1", "s1").IngestAsync([Reading.Shipment("t1", NoonOf(day), 100.25m), Reading.Shipment("t2", NoonOf(day), 25.25m)]);
        await Rollups.FlushAllAsync(host.Grains);

        var lines = await LinesOfAsync($"?scope=enterprise:ent-1&day={Day(day)}");

        Assert.Equal(
        [
            Header,
            $"enterprise:ent-1,ent-1 企业,ent-1,enterprise,{Day(day)},500,5,125.5,5000,2000,500,0.25,0.251,,,,",
            $"line:ent-1/p1,p1 线,p1,production,{Day(day)},500,5,0,5000,2000,,0.25,,,,,",
            $"line:ent-1/s1,s1 装运,s1,shipment,{Day(day)},0,0,125.5,0,,500,,0.251,,,,",
        ], lines);
    }

    [Fact]
    public async Task Today_is_the_default_day_and_adds_the_snapshot_oee()
    {
        await host.Grains.GetLineGrain("ent-3", "p1").IngestAsync(
            [Reading.StateChange("s", DateTimeOffset.UtcNow.AddMinutes(-30), LineState.Running), Reading.Output("o", DateTimeOffset.UtcNow, good: 250, scrap: 10)]);
        await host.Grains.GetLineGrain("ent-3", "p2").IngestAsync([Reading.Output("o", DateTimeOffset.UtcNow, good: 7)]);
        await Rollups.FlushAllAsync(host.Grains);

        var lines = await LinesOfAsync("?scope=enterprise:ent-3");
        using var snapshot = JsonDocument.Parse(await _http.GetStringAsync("/api/snapshot/line:ent-3/p1"));
        var oee = snapshot.RootElement.GetProperty("oee");

        Assert.Equal(4, lines.Length);
        var enterprise = lines[1].Split(',');
        Assert.Equal(["enterprise:ent-3", "ent-3 企业", "ent-3", "enterprise", Day(Today), "257", "10", "0", "250.7", "1000", "", "0.257", ""], enterprise[..13]);
        Assert.NotEqual("", enterprise[13]);
        var p1 = lines[2].Split(',');
        Assert.Equal(["line:ent-3/p1", "p1 线", "p1", "production", Day(Today), "250", "10", "0", "250", "1000", "", "0.25", ""], p1[..13]);
        // Quality is fixed by the counts; the others grow with the running time between the two reads.
        Assert.Equal("0.9615", p1[16]);
        Assert.Equal(oee.GetProperty("quality").GetDouble(), Parse(p1[16]));
        Assert.Equal(oee.GetProperty("oee").GetDouble(), Parse(p1[13]), 0.01);
        Assert.Equal(oee.GetProperty("availability").GetDouble(), Parse(p1[14]), 0.01);
        Assert.Equal(oee.GetProperty("performance").GetDouble(), Parse(p1[15]), 0.01 * oee.GetProperty("performance").GetDouble());
        Assert.Equal($"line:ent-3/p2,p2 线,p2,production,{Day(Today)},7,0,0,0.7,,,,,,,,", lines[3]);

        static double Parse(string cell) => double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Without_a_scope_every_enterprise_is_listed_and_a_region_lists_those_below_it()
    {
        var all = await LinesOfAsync($"?day={Day(Today.AddDays(-3))}");
        var scopes = all.Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(["enterprise:ent-1", "line:ent-1/p1", "line:ent-1/s1", "enterprise:ent-2", "line:ent-2/p1", "enterprise:ent-3", "line:ent-3/p1", "line:ent-3/p2", $"enterprise:{TestWebApp.WideEnterprise}"], scopes.Take(9));
        Assert.Equal(250, scopes.Count(s => s.StartsWith($"line:{TestWebApp.WideEnterprise}/", StringComparison.Ordinal)));

        var cityB = await LinesOfAsync($"?scope=region:city-b&day={Day(Today.AddDays(-3))}");
        Assert.Equal(["enterprise:ent-2", "line:ent-2/p1", "enterprise:ent-3", "line:ent-3/p1", "line:ent-3/p2"], cityB.Skip(1).Select(l => l.Split(',')[0]));

        var line = await LinesOfAsync($"?scope=line:ent-2/p1&day={Day(Today.AddDays(-3))}");
        Assert.Equal([Header, $"line:ent-2/p1,p1 线,p1,production,{Day(Today.AddDays(-3))},0,0,0,0,800,,0,,,,,"], line);
    }

    [Fact]
    public async Task Names_are_quoted_and_formulas_defused()
    {
        var enterprise = TestRegistry.Enterprise("ent-csv", "city-a", null, TestRegistry.Production("l1") with { Name = "-1+2", NameEn = "@SUM(A1)" }) with
        {
            Name = "=HYPERLINK(\"http://127.0.0.1/x\",\"点我, 看\")",
            NameEn = "Line\r\nbreak, \"quoted\"",
        };
        Assert.True((await host.Grains.GetRegistryGrain().UpsertEnterpriseAsync(enterprise)).Applied);

        var response = await _http.GetAsync($"/api/reports/daily?scope=enterprise:ent-csv&day={Day(Today.AddDays(-1))}");
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var text = Encoding.UTF8.GetString((await response.Content.ReadAsByteArrayAsync())[3..]);

        Assert.Equal(
            Header + "\r\n"
            + $"enterprise:ent-csv,\"'=HYPERLINK(\"\"http://127.0.0.1/x\"\",\"\"点我, 看\"\")\",\"Line\r\nbreak, \"\"quoted\"\"\",enterprise,{Day(Today.AddDays(-1))},0,0,0,0,,,,,,,,\r\n"
            + $"line:ent-csv/l1,'-1+2,'@SUM(A1),production,{Day(Today.AddDays(-1))},0,0,0,0,,,,,,,,\r\n",
            text);
    }

    [Theory]
    [InlineData("?scope=bogus", "scope")]
    [InlineData("?scope=region:Prov", "scope")]
    [InlineData("?day=2026-13-01", "day")]
    [InlineData("?day=22.11.2026", "day")]
    [InlineData("?day=2026-11-22T00:00:00Z", "day")]
    [InlineData("?day=1999-01-01", "day")]
    public async Task Bad_input_is_a_problem_naming_the_field(string query, string field)
    {
        await ProblemAssert.NamesFieldAsync(field, await _http.GetAsync("/api/reports/daily" + query));
    }

    [Fact]
    public async Task A_day_after_today_or_before_the_kept_history_is_refused()
    {
        foreach (var day in new[] { Today.AddDays(1), Today.AddDays(-732) })
        {
            await ProblemAssert.NamesFieldAsync("day", await _http.GetAsync($"/api/reports/daily?day={Day(day)}"));
        }

        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"/api/reports/daily?scope=line:ent-2/p1&day={Day(Today.AddDays(-731))}")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_scope_is_not_found()
    {
        ProblemAssert.Is(HttpStatusCode.NotFound, await _http.GetAsync("/api/reports/daily?scope=enterprise:nobody"));
        ProblemAssert.Is(HttpStatusCode.NotFound, await _http.GetAsync("/api/reports/daily?scope=line:ent-1/ghost"));
    }

    [Fact]
    public async Task The_report_is_in_the_openapi_document()
    {
        var document = await _http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"/api/reports/daily\"", document, StringComparison.Ordinal);
        Assert.Contains("text/csv", document, StringComparison.Ordinal);
    }
}
