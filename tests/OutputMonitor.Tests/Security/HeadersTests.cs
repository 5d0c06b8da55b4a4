using OutputMonitor.Tests.Support;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Tests.Security;

/// <summary>Security headers on every response; the pages' content security policy allows only the app's own files.</summary>
public sealed class HeadersTests(TestWebApp app) : IClassFixture<TestWebApp>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/plant.html")]
    [InlineData("/js/common.js")]
    [InlineData("/api/snapshot/region:prov")]
    [InlineData("/api/snapshot/region:nowhere")]
    [InlineData("/api/registry/chains/x")]
    [InlineData("/healthz")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await app.CreateClient().GetAsync(path);

        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal(SecurityExtensions.ContentSecurityPolicy, Single(response, "Content-Security-Policy"));
    }

    [Theory]
    [InlineData("https://127.0.0.2", true)]
    [InlineData("http://127.0.0.2", false)]
    public async Task Https_answers_carry_strict_transport_security(string baseAddress, bool expected)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress) });

        var response = await client.GetAsync("/healthz");

        Assert.Equal(expected, response.Headers.TryGetValues("Strict-Transport-Security", out var values) && values.Single().StartsWith("max-age=", StringComparison.Ordinal));
    }

    [Fact]
    public void The_policy_is_the_one_the_browser_tests_run_the_pages_under() =>
        Assert.Equal(Browser.BrowserFixture.StrictContentSecurityPolicy, SecurityExtensions.ContentSecurityPolicy);

    [Fact]
    public void The_policy_forbids_inline_code_and_framing()
    {
        var directives = SecurityExtensions.ContentSecurityPolicy.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d);

        Assert.Equal("default-src 'self'", directives["default-src"]);
        Assert.Equal("script-src 'self'", directives["script-src"]);
        Assert.Equal("style-src 'self'", directives["style-src"]);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("object-src 'none'", directives["object-src"]);
    }

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.TryGetValues(name, out var content) ? content : []);
}
