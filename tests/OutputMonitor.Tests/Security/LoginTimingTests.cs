using System.Diagnostics;
using System.Net;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary>
/// An unknown name is verified against a stand-in hash of the users' cost, so the time a refusal
/// takes does not tell which names exist. The hash here is costly on purpose: a refusal without the
/// stand-in would take a thousandth of the time, far outside any scheduling noise.
/// </summary>
public sealed class LoginTimingTests : IDisposable
{
    private readonly TestWebApp _app = new(TestWebApp.UserSettings(0, SignInWebApp.Manager, SignInWebApp.ManagerPassword, "manager", "enterprise:ent-1", iterations: 300_000));

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task An_unknown_name_takes_about_as_long_as_a_wrong_password()
    {
        var client = _app.CreateClient();
        // Warm: the first unknown name also makes the stand-in hash.
        await TimeAsync(client, "nobody-here");
        await TimeAsync(client, SignInWebApp.Manager);

        var wrongPassword = Math.Min(await TimeAsync(client, SignInWebApp.Manager), await TimeAsync(client, SignInWebApp.Manager));
        var unknownName = Math.Min(await TimeAsync(client, "nobody-here"), await TimeAsync(client, "nobody-else"));

        Assert.True(unknownName > wrongPassword / 3, $"unknown name {unknownName} ms, wrong password {wrongPassword} ms");
    }

    private static async Task<double> TimeAsync(HttpClient client, string name)
    {
        var watch = Stopwatch.StartNew();
        var response = await LoginTests.LoginAsync(client, name, "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }
}
