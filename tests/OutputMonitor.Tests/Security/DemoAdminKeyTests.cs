using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OutputMonitor.Tests.Support;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Tests.Security;

/// <summary>The one-command demo on loopback with no <c>Auth:ApiKeys</c> makes an admin key of its own for the run.</summary>
public sealed class DemoAdminKeyTests
{
    [Fact]
    public async Task Without_configured_keys_the_demo_makes_its_own_admin_key_and_writes_still_need_it()
    {
        using var app = new TestWebApp(new Dictionary<string, string?>(), adminKey: false);
        var anonymous = app.CreateClient();
        var key = app.Services.GetRequiredService<DemoAdminKey>().Key;

        Assert.NotNull(key);
        Assert.Matches("^demo-[0-9a-f]{32}$", key);
        Assert.Contains("\"role\":\"admin\"", await app.CreateClient(key).GetStringAsync("/api/me"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/alerts/ent-1.p1.down.1/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient(key).PostAsync("/api/alerts/ent-1.p1.down.1/ack", null)).StatusCode);
    }

    [Fact]
    public void Configured_keys_leave_no_demo_key()
    {
        using var app = new TestWebApp();
        app.CreateClient();

        Assert.Null(app.Services.GetRequiredService<DemoAdminKey>().Key);
    }

    [Fact]
    public void An_app_listening_beyond_loopback_makes_no_demo_key()
    {
        using var app = new TestWebApp(new Dictionary<string, string?> { ["urls"] = "http://*:5080", ["Auth:AllowAnonymousRead"] = "false" }, adminKey: false);
        app.CreateClient();

        Assert.Null(app.Services.GetRequiredService<DemoAdminKey>().Key);
    }
}
