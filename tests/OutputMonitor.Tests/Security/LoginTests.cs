using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OutputMonitor.Alerts;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary>
/// People of <c>Auth:Users</c> sign in (POST /api/login) and get a cookie that carries their role
/// and scopes: every check treats it as it treats a key; changes made with it need the CSRF header.
/// </summary>
public sealed class LoginTests(SignInWebApp signIn) : IClassFixture<SignInWebApp>
{
    private const string Csrf = "X-Requested-With";

    private readonly TestWebApp _app = signIn.App;

    [Theory]
    [InlineData("http://localhost", false)]
    [InlineData("https://localhost", true)]
    public async Task Signing_in_sets_an_http_only_same_site_strict_cookie_secure_over_https(string baseAddress, bool secure)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress), HandleCookies = false });

        var response = await LoginAsync(client, SignInWebApp.Manager, SignInWebApp.ManagerPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.StartsWith("om_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.Equal(secure, attributes.Contains("secure"));
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((SignInWebApp.Manager, "manager"), (me.GetProperty("name").GetString(), me.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_name_get_the_same_401_problem()
    {
        var wrongPassword = await LoginAsync(_app.CreateClient(), SignInWebApp.Manager, "not the password");
        var unknownName = await LoginAsync(_app.CreateClient(), "nobody-here", SignInWebApp.ManagerPassword);

        ProblemAssert.Is(HttpStatusCode.Unauthorized, wrongPassword);
        ProblemAssert.Is(HttpStatusCode.Unauthorized, unknownName);
        Assert.Equal(Comparable(await wrongPassword.Content.ReadAsStringAsync()), Comparable(await unknownName.Content.ReadAsStringAsync()));
        Assert.False(wrongPassword.Headers.Contains("Set-Cookie"));
        Assert.False(unknownName.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Names_are_matched_ignoring_case_passwords_exactly()
    {
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(_app.CreateClient(), "MANAGER-1", SignInWebApp.ManagerPassword)).StatusCode);
        ProblemAssert.Is(HttpStatusCode.Unauthorized, await LoginAsync(_app.CreateClient(), SignInWebApp.Manager, SignInWebApp.ManagerPassword.ToUpperInvariant()));
    }

    [Fact]
    public async Task Me_tells_who_signed_in_and_how()
    {
        var person = await SignedInAsync(SignInWebApp.Viewer, SignInWebApp.ViewerPassword);

        var me = await person.GetFromJsonAsync<JsonElement>("/api/me");
        var key = await _app.CreateAdminClient().GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal(SignInWebApp.Viewer, me.GetProperty("name").GetString());
        Assert.Equal("viewer", me.GetProperty("role").GetString());
        Assert.Equal(["region:city-a"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("session", me.GetProperty("authenticatedWith").GetString());
        Assert.Equal("apiKey", key.GetProperty("authenticatedWith").GetString());
    }

    [Fact]
    public async Task A_signed_in_manager_reads_and_acknowledges_in_its_enterprise_only()
    {
        await RecordAsync("ent-1", "ent-1.p1.down.login", "line:ent-1/p1");
        await RecordAsync("ent-2", "ent-2.p1.down.login", "line:ent-2/p1");
        var manager = await SignedInAsync(SignInWebApp.Manager, SignInWebApp.ManagerPassword);
        manager.DefaultRequestHeaders.Add(Csrf, "XMLHttpRequest");

        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/snapshot/enterprise:ent-1")).StatusCode);
        ProblemAssert.Is(HttpStatusCode.Forbidden, await manager.GetAsync("/api/snapshot/enterprise:ent-2"));
        ProblemAssert.Is(HttpStatusCode.Forbidden, await manager.PostAsync("/api/alerts/ent-2.p1.down.login/ack", null));
        // A role check refused with a problem, not the cookie handler's redirect to a login page.
        ProblemAssert.Is(HttpStatusCode.Forbidden, await manager.DeleteAsync("/api/registry/enterprises/ent-1"));
        var own = await manager.PostAsync("/api/alerts/ent-1.p1.down.login/ack", null);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(SignInWebApp.Manager, (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgedBy").GetString());
        Assert.Equal(AlertStatuses.Active, (await StoredAsync("ent-2", "ent-2.p1.down.login")).Status);
    }

    [Fact]
    public async Task A_signed_in_viewer_cannot_subscribe_on_the_hub_to_another_region()
    {
        var cookie = await SessionCookieAsync(SignInWebApp.Viewer, SignInWebApp.ViewerPassword);
        await using var connection = _app.CreateHubConnection(cookie: cookie);
        await connection.StartAsync();

        var own = await connection.InvokeAsync<JsonElement>("Subscribe", "enterprise:ent-1");
        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", "region:city-b"));

        Assert.Equal("enterprise:ent-1", own.GetProperty("scope").GetString());
        Assert.Contains("Forbidden scope 'region:city-b'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_access()
    {
        var person = await SignedInAsync(SignInWebApp.Viewer, SignInWebApp.ViewerPassword);
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/api/snapshot/region:city-a")).StatusCode);

        var logout = new HttpRequestMessage(HttpMethod.Post, "/api/logout") { Headers = { { Csrf, "XMLHttpRequest" } } };
        Assert.Equal(HttpStatusCode.NoContent, (await person.SendAsync(logout)).StatusCode);

        ProblemAssert.Is(HttpStatusCode.Unauthorized, await person.GetAsync("/api/snapshot/region:city-a"));
        ProblemAssert.Is(HttpStatusCode.Unauthorized, await person.GetAsync("/api/me"));
    }

    [Fact]
    public async Task A_cookie_authenticated_change_without_the_csrf_header_is_refused()
    {
        await RecordAsync("ent-1", "ent-1.s1.down.csrf", "line:ent-1/s1");
        var manager = await SignedInAsync(SignInWebApp.Manager, SignInWebApp.ManagerPassword);

        var refused = await manager.PostAsync("/api/alerts/ent-1.s1.down.csrf/ack", null);
        var logout = await manager.PostAsync("/api/logout", null);

        ProblemAssert.Is(HttpStatusCode.Forbidden, refused);
        Assert.Contains(Csrf, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        ProblemAssert.Is(HttpStatusCode.Forbidden, logout);
        Assert.Equal(AlertStatuses.Active, (await StoredAsync("ent-1", "ent-1.s1.down.csrf")).Status);
        // Reads need no header, and the same change with it goes through.
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/alerts?scope=enterprise:ent-1")).StatusCode);
        var allowed = new HttpRequestMessage(HttpMethod.Post, "/api/alerts/ent-1.s1.down.csrf/ack") { Headers = { { Csrf, "XMLHttpRequest" } } };
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(allowed)).StatusCode);
    }

    [Fact]
    public async Task A_bearer_key_is_used_over_a_sign_in_cookie_and_needs_no_csrf_header()
    {
        await RecordAsync("ent-2", "ent-2.s1.down.bearer", "line:ent-2/s1");
        var both = await SignedInAsync(SignInWebApp.Viewer, SignInWebApp.ViewerPassword);
        both.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestWebApp.AdminKey);

        var me = await both.GetFromJsonAsync<JsonElement>("/api/me");
        var ack = await both.PostAsync("/api/alerts/ent-2.s1.down.bearer/ack", null);

        Assert.Equal(("admin", "apiKey"), (me.GetProperty("role").GetString(), me.GetProperty("authenticatedWith").GetString()));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
    }

    public static TheoryData<string, string, HttpStatusCode> MalformedBodies => new()
    {
        { "application/json", "{", HttpStatusCode.BadRequest },
        { "application/json", "[]", HttpStatusCode.BadRequest },
        { "application/json", "null", HttpStatusCode.BadRequest },
        { "application/json", """{"name":5,"password":"x"}""", HttpStatusCode.BadRequest },
        { "application/json", """{"name":"manager-1"}""", HttpStatusCode.BadRequest },
        { "application/json", """{"password":"x"}""", HttpStatusCode.BadRequest },
        { "application/json", """{"name":"   ","password":"x"}""", HttpStatusCode.BadRequest },
        { "application/json", $$"""{"name":"{{new string('n', 101)}}","password":"x"}""", HttpStatusCode.BadRequest },
        { "application/json", $$"""{"name":"manager-1","password":"{{new string('p', 1025)}}"}""", HttpStatusCode.BadRequest },
        { "application/json", new string('[', 100) + new string(']', 100), HttpStatusCode.BadRequest },
        { "application/json", $$"""{"name":"manager-1","password":"{{new string('p', 5000)}}"}""", HttpStatusCode.RequestEntityTooLarge },
        { "application/x-www-form-urlencoded", "name=manager-1", HttpStatusCode.BadRequest },
        { "application/x-www-form-urlencoded", "name=a&name=b&password=x", HttpStatusCode.BadRequest },
        { "application/x-www-form-urlencoded", string.Join('&', Enumerable.Range(0, 20).Select(i => $"k{i}=v")), HttpStatusCode.BadRequest },
        { "application/x-www-form-urlencoded", "name=manager-1&password=" + new string('p', 5000), HttpStatusCode.RequestEntityTooLarge },
        { "text/plain", "manager-1:pw", HttpStatusCode.UnsupportedMediaType },
        { "multipart/form-data; boundary=x", "--x--", HttpStatusCode.UnsupportedMediaType },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_or_oversized_login_body_is_a_problem_never_a_500(string contentType, string body, HttpStatusCode expected)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await _app.CreateClient().PostAsync("/api/login", content);

        ProblemAssert.Is(expected, response);
    }

    [Fact]
    public async Task An_oversized_login_body_without_a_length_is_refused_too()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"name":"manager-1","password":"{{new string('p', 100_000)}}"}""")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        ProblemAssert.Is(HttpStatusCode.RequestEntityTooLarge, await _app.CreateClient().SendAsync(request));
    }

    [Theory]
    [InlineData("/plant.html?scope=enterprise:ent-1", "/plant.html?scope=enterprise:ent-1")]
    [InlineData("//127.0.0.1:9/elsewhere", "/")]
    [InlineData("https://127.0.0.1:9/elsewhere", "/")]
    [InlineData("/\\127.0.0.1:9/elsewhere", "/")]
    [InlineData("", "/")]
    public async Task A_form_post_signs_in_and_returns_to_a_path_of_this_site_only(string returnTo, string expected)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var response = await client.PostAsync("/api/login", Form(SignInWebApp.Manager, SignInWebApp.ManagerPassword, returnTo));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.StartsWith("om_session=", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_form_post_goes_back_to_the_login_page_saying_why()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var response = await client.PostAsync("/api/login", Form(SignInWebApp.Manager, "wrong", "/alerts.html"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login.html?error=invalid&return=%2Falerts.html", response.Headers.Location?.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_form_post_from_another_origin_is_refused()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = Form(SignInWebApp.Manager, SignInWebApp.ManagerPassword, "/") };
        request.Headers.Add("Origin", "http://127.0.0.1:9");

        var response = await client.SendAsync(request);

        ProblemAssert.Is(HttpStatusCode.Forbidden, response);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_openapi_document_declares_the_bearer_and_cookie_schemes_and_who_needs_them()
    {
        using var document = JsonDocument.Parse(await _app.CreateClient().GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");

        Assert.Equal(("http", "bearer"), (schemes.GetProperty("Bearer").GetProperty("type").GetString(), schemes.GetProperty("Bearer").GetProperty("scheme").GetString()));
        var session = schemes.GetProperty("Session");
        Assert.Equal(("apiKey", "cookie", "om_session"), (session.GetProperty("type").GetString(), session.GetProperty("in").GetString(), session.GetProperty("name").GetString()));
        var ack = root.GetProperty("paths").GetProperty("/api/alerts/{id}/ack").GetProperty("post");
        Assert.Equal(["Bearer", "Session"], ack.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)));
        Assert.Contains("manager", ack.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("admin", root.GetProperty("paths").GetProperty("/api/registry/enterprises/{id}").GetProperty("put").GetProperty("description").GetString(), StringComparison.Ordinal);
        // Reads need credentials here (anonymous reads are off): no empty requirement.
        Assert.Equal(2, root.GetProperty("paths").GetProperty("/api/alerts").GetProperty("get").GetProperty("security").GetArrayLength());
        Assert.False(root.GetProperty("paths").GetProperty("/api/login").GetProperty("post").TryGetProperty("security", out _));
        Assert.False(root.GetProperty("paths").GetProperty("/healthz").GetProperty("get").TryGetProperty("security", out _));
    }

    internal static Task<HttpResponseMessage> LoginAsync(HttpClient client, string name, string password) =>
        client.PostAsJsonAsync("/api/login", new { name, password });

    internal static FormUrlEncodedContent Form(string name, string password, string returnTo) =>
        new([new("name", name), new("password", password), new("return", returnTo)]);

    /// <summary>A client that keeps cookies, signed in.</summary>
    private async Task<HttpClient> SignedInAsync(string name, string password)
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, name, password)).StatusCode);
        return client;
    }

    /// <summary>The sign-in cookie as a browser sends it: <c>om_session=…</c>.</summary>
    private async Task<string> SessionCookieAsync(string name, string password)
    {
        var response = await LoginAsync(_app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), name, password);
        return Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';')[0];
    }

    /// <summary>A problem body without its traceId, which differs per request.</summary>
    private static string Comparable(string problem)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(problem)!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }

    private Task RecordAsync(string enterprise, string id, string scope) => AccessTests.RecordAsync(_app, enterprise, id, scope);

    private async Task<Alert> StoredAsync(string enterprise, string id) =>
        (await _app.Grains.GetGrain<IAlertBookGrain>(enterprise).GetAlertsAsync()).Single(a => a.Id == id);
}
