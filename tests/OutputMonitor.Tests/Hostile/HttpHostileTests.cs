using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OutputMonitor.Tests.Support;
using Xunit.Abstractions;

namespace OutputMonitor.Tests.Hostile;

/// <summary>
/// Issue 7's hostile HTTP suite: every mapped endpoint (read from the app's endpoint data source, so a
/// new one is covered without a change here), with the admin key and without one, gets malformed and
/// oversized bodies, tricks in its route values and hostile queries. Never a 5xx, every 4xx a problem,
/// and the registry is the same after every request.
/// </summary>
public sealed partial class HttpHostileTests(ITestOutputHelper output) : IAsyncLifetime
{
    // The real Kestrel, not the test server: it decodes and refuses raw request lines itself (a %00 in a path).
    private WebProduct _app = null!;

    /// <summary>Hostile values per route parameter name, already as they go in a path. An endpoint with a parameter missing here fails the test.</summary>
    private static readonly Dictionary<string, string[]> RouteValues = new()
    {
        ["id"] = Ids(),
        ["scope"] =
        [
            .. Ids(), "region:..%2F..%2Fetc", "line:ent-1/../../etc/passwd", "line:ent-1%2F..%2F..%2Fetc", "region:%2e%2e", "region:%00",
            "region:%E4%B8%AD", "region:" + new string('a', 6 * 1024), new string('a', 10 * 1024), "line:ent-1/p1/extra", "enterprise:ent-1%00", "line:/", "region:", ":",
            "line:ent-1/p1%0A", "region:prov%3Bdrop",
        ],
        ["documentName"] = [.. Ids(), "..%2F..%2F..%2Fetc%2Fpasswd", "v1%00", "V1"],

        // The Orleans dashboard's.
        ["grainName"] = [.. Ids(), "System.Object", "OutputMonitor.Grains.LineGrain%00"],
        ["path"] = [.. Ids(), "../../../../etc/passwd", "..%2F..%2Fappsettings.json", "index.html%00.js"],
        ["page"] = [.. Ids(), "-1", "99999999999999999999", "0"],
        ["address"] = [.. Ids(), "127.0.0.1:99999", "[::1]:1", "127.0.0.1%3A11111%00"],
    };

    /// <summary>Route values that name nothing (so that a DELETE with them removes nothing) while the rest of the request is hostile.</summary>
    private static readonly Dictionary<string, string> HarmlessRouteValues = new()
    {
        ["id"] = "ghost-id",
        ["scope"] = "region:prov",
        ["documentName"] = "v1",
        ["grainName"] = "ghost",
        ["path"] = "ghost.js",
        ["page"] = "1",
        ["address"] = "127.0.0.1:1",
    };

    private static readonly string[] Queries =
    [
        "from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z", "from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z&step=1d",
        "from=0001-01-01&to=9999-12-31", "from=0001-01-01T00:00:00%2B14:00&to=9999-12-31T23:59:59-14:00",
        "from=9999-12-31T23:59:59.9999999-14:00", "to=0001-01-01T00:00:00%2B14:00", "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
        "step=1s", "step=0", "step=-1", "step=abc", "step=1m&step=1h", "step=", "step=1m&from=1970-01-01T00:00:00Z",
        "from=2025-02-30T00:00:00Z", "from=yesterday", "from=1742952903120", "from=%00", "to=99999-01-01T00:00:00Z",
        "scope=..%2F..%2Fetc", "scope=region:%E4%B8%AD", "scope=region:" + new string('a', 6 * 1024), new string('a', 10 * 1024), "scope=region:prov&scope=region:city-a", "scope=%00",
        "status=ACTIVE", "status=active&status=cleared", "status=%00",
        "limit=0", "limit=-1", "limit=99999999999999999999", "limit=1e3", "limit=abc", "limit=1&limit=2", "limit=", "limit=%00",
        "enterprise=..%2Fetc", "enterprise=%00", "enterprise=" + new string('e', 6 * 1024), "enterprise=ent-1&enterprise=ent-2",
        "day=0001-01-01", "day=9999-12-31", "day=2025-02-30", "day=-1", "day=2026-11-22&day=2026-11-21", "day=%E4%B8%AD",
        "access_token=%00", "access_token=" + new string('k', 6 * 1024),
    ];

    /// <param name="template">Bodies valid but for one field of a region or enterprise are sent there only (to a chain, they are a valid chain).</param>
    private static (string Name, string? ContentType, byte[] Body)[] Bodies(string template)
    {
        static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
        return
        [
            ("malformed", "application/json", Utf8("{\"id\":")),
            ("not json", "application/json", Utf8("hello")),
            ("text/plain", "text/plain", Utf8("{\"by\":\"x\"}")),
            ("xml", "application/xml", Utf8("<by>x</by>")),
            ("form", "application/x-www-form-urlencoded", Utf8("by=x&id=ent-1")),
            ("oversized", "application/json", Utf8("{\"name\":\"" + new string('n', (1024 * 1024) + 1) + "\"}")),
            ("empty", "application/json", []),
            ("null", "application/json", Utf8("null")),
            ("array", "application/json", Utf8("[]")),
            ("string", "application/json", Utf8("\"x\"")),
            ("deep", "application/json", Utf8(new string('[', 5000) + new string(']', 5000))),
            ("deep object", "application/json", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40))),
            ("huge numbers", "application/json", Utf8("{\"id\":\"ent-1\",\"name\":1e400,\"lines\":[{\"id\":\"p1\",\"kind\":\"production\",\"unitValueCny\":1e400,\"plan\":{\"goodPerDay\":123456789012345678901234567890}}]}")),
            .. (template.Contains("/regions/", StringComparison.Ordinal) ? [("bad time zone", "application/json", Utf8("{\"name\":\"x\",\"nameEn\":\"x\",\"parent\":\"prov\",\"timeZone\":\"../../../etc/passwd\"}"))] : Array.Empty<(string, string?, byte[])>()),
            ("invalid utf-8", "application/json", [.. Utf8("{\"by\":\""), 0xFF, 0xFE, .. Utf8("\"}")]),
            ("nul", "application/json", Utf8("{\"by\":\"a\u0000b\",\"name\":\"\u0000\"}")),
            .. (template.Contains("/regions/", StringComparison.Ordinal) || template.Contains("/enterprises/", StringComparison.Ordinal) ? [("unknown parent", "application/json", Utf8("{\"name\":\"x\",\"nameEn\":\"x\",\"parent\":\"..\",\"region\":\"..\",\"lines\":[]}"))] : Array.Empty<(string, string?, byte[])>()),
        ];
    }

    public async Task InitializeAsync() =>
        _app = await WebProduct.StartAsync(TestRegistry.Small(), new Dictionary<string, string?> { ["RateLimit:PermitLimit"] = "1000000" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Every_endpoint_answers_hostile_input_with_problem_details_and_never_a_5xx_or_a_registry_change()
    {
        using var admin = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestWebApp.AdminKey);
        using var anonymous = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        var baseline = await RegistryAsync(admin);
        var endpoints = Endpoints();
        var missing = endpoints.SelectMany(e => e.Parameters).Where(p => !RouteValues.ContainsKey(p)).Distinct().ToList();
        Assert.True(missing.Count == 0, $"no hostile values for route parameter(s) {string.Join(", ", missing)}: add them to {nameof(RouteValues)}");

        var seen = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        var failures = new List<(string Kind, string Example)>();
        var requests = 0;
        foreach (var endpoint in endpoints)
        {
            var statuses = seen[$"{string.Join(',', endpoint.Methods)} {endpoint.Template}"] = [];
            foreach (var (method, path, content) in Cases(endpoint))
            {
                foreach (var (who, client) in new[] { ("admin", admin), ("anonymous", anonymous) })
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (content is { } body)
                    {
                        request.Content = new ByteArrayContent(body.Bytes);
                        if (body.ContentType is not null)
                        {
                            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
                        }
                    }

                    // Headers first: the hub's and the dashboard's streams never end, and only an error's body is read.
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    requests++;
                    var status = (int)response.StatusCode;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    var problem = await CheckAsync(response, endpoint.Template.StartsWith("/hubs/", StringComparison.Ordinal));
                    var registry = await RegistryAsync(admin);
                    if (problem is not null || !JsonNode.DeepEquals(baseline, registry))
                    {
                        failures.Add(($"{method} {endpoint.Template} → {status}: {Clip(problem ?? "the registry changed", 60)}", $"{who} {Clip(path)}{(content is null ? "" : $" [{content.Value.Name}]")}: {problem}"));
                        baseline = registry;
                    }
                }
            }
        }

        await WriteReportAsync(seen, requests);
        var kinds = failures.GroupBy(f => f.Kind).Select(g => $"{g.Count()}× {g.Key}, e.g. {g.First().Example}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} hostile requests went wrong:\n{string.Join('\n', kinds)}");
    }

    /// <summary>Null when the answer is right for hostile input: not a 5xx, and a 4xx is a problem with its title and status.</summary>
    /// <param name="signalR">The hub's transport routes answer in SignalR's own protocol (a text 400 "Connection ID required"), which its clients read: only 5xx counts there.</param>
    private static async Task<string?> CheckAsync(HttpResponseMessage response, bool signalR)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return "a server error: " + Clip(await response.Content.ReadAsStringAsync());
        }

        if (status < 400 || signalR)
        {
            return null;
        }

        // Refused by Kestrel before any middleware ran (a request line over its limit, a NUL in the path):
        // it answers itself, bodiless, and closes the connection; the app never sees the request.
        if (status is 400 or 414 or 431 && response.Headers.ConnectionClose == true && response.Content.Headers.ContentLength == 0)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"not a problem ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}): {Clip(await response.Content.ReadAsStringAsync())}";
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
            && json.RootElement.TryGetProperty("status", out var echoed) && echoed.TryGetInt32(out var number) && number == status
            ? null
            : "a problem without its title or status";
    }

    private sealed record Endpoint(string Template, string[] Methods, string[] Parameters);

    /// <summary>Every route the app maps (API, health, metrics, OpenAPI, hub, dashboard), with its methods and route parameters.</summary>
    private List<Endpoint> Endpoints()
    {
        var sources = _app.Services.GetRequiredService<EndpointDataSource>();
        return
        [
            .. sources.Endpoints.OfType<RouteEndpoint>()
                .Select(e => new Endpoint(
                    "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
                    [.. e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"]],
                    [.. e.RoutePattern.Parameters.Select(p => p.Name)]))
                .DistinctBy(e => (e.Template, string.Join(',', e.Methods)))
                .OrderBy(e => e.Template, StringComparer.Ordinal),
        ];
    }

    private static IEnumerable<(string Method, string Path, (string Name, string? ContentType, byte[] Bytes)? Body)> Cases(Endpoint endpoint)
    {
        foreach (var method in endpoint.Methods)
        {
            foreach (var parameter in endpoint.Parameters)
            {
                foreach (var value in RouteValues[parameter])
                {
                    yield return (method, Path(endpoint.Template, p => p == parameter ? value : HarmlessRouteValues[p]), null);
                }
            }

            var path = Path(endpoint.Template, p => HarmlessRouteValues[p]);
            foreach (var query in Queries)
            {
                yield return (method, $"{path}?{query}", null);
            }

            foreach (var body in Bodies(endpoint.Template))
            {
                yield return (method, path, body);
            }
        }
    }

    private static string Path(string template, Func<string, string> value) =>
        RouteParameter().Replace(template, m => value(m.Groups[1].Value));

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex RouteParameter();

    private static string[] Ids() =>
    [
        "..%2F..%2Fetc", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%2e%2e%2f%2e%2e", "%252e%252e%252f", "%00", "ent-1%00", "%E4%B8%AD%E6%96%87",
        "%F0%9F%8F%AD", "%FF%FE", new string('a', 6 * 1024), new string('a', 10 * 1024), "ENT-1", "-x", "%20", "ent-1%3Bx", "ent-1%0D%0AX-Injected:%201", "%5C..%5C..%5Cwindows",
        ".", "ent-1.p1.stale.99999999999999999999999",
    ];

    private static async Task<JsonNode?> RegistryAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("/api/registry");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task WriteReportAsync(SortedDictionary<string, SortedDictionary<int, int>> seen, int requests)
    {
        var report = new List<string>
        {
            $"Hostile HTTP suite: {requests} requests to {seen.Count} endpoints (each case with the admin key and without a key), the registry compared after each",
            "",
            $"{"endpoint",-60} {"requests",8}  status codes seen",
        };
        report.AddRange(seen.Select(e => $"{Clip(e.Key, 60),-60} {e.Value.Values.Sum(),8}  {string.Join(", ", e.Value.Select(s => $"{s.Key}×{s.Value}"))}"));
        var all = seen.Values.SelectMany(s => s).GroupBy(s => s.Key).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Sum(s => s.Value)}");
        report.Add("");
        report.Add($"all: {string.Join(", ", all)}");
        foreach (var line in report)
        {
            output.WriteLine(line);
        }

        Directory.CreateDirectory(System.IO.Path.Combine(WebProduct.RepositoryRoot, "artifacts"));
        await File.WriteAllLinesAsync(System.IO.Path.Combine(WebProduct.RepositoryRoot, "artifacts", "hostile-http.txt"), report);
    }

    private static string Clip(string text, int length = 160) => text.Length <= length ? text : text[..length] + "…";
}
