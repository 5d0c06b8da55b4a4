using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary>
/// The web app with anonymous reads off and people of <c>Auth:Users</c> who sign in: a manager of
/// ent-1 and a viewer of city-a (ent-1 and ent-wide); the admin key of every test app beside them.
/// </summary>
public sealed class SignInWebApp : IDisposable
{
    public const string Manager = "manager-1";
    public const string ManagerPassword = "pw-manager-1 with spaces";
    public const string Viewer = "王芳";
    public const string ViewerPassword = "pw-viewer-城市";

    public SignInWebApp()
    {
        Dictionary<string, string?> settings = new[]
        {
            TestWebApp.UserSettings(0, Manager, ManagerPassword, "manager", "enterprise:ent-1"),
            TestWebApp.UserSettings(1, Viewer, ViewerPassword, "viewer", "region:city-a"),
        }.SelectMany(s => s).ToDictionary();
        settings["Auth:AllowAnonymousRead"] = "false";
        // Many sign-ins from one test client: the login limit has tests of its own (LoginRateLimitTests).
        settings["RateLimit:LoginPermitLimit"] = "1000";
        App = new TestWebApp(settings);
    }

    public TestWebApp App { get; }

    public void Dispose() => App.Dispose();
}
