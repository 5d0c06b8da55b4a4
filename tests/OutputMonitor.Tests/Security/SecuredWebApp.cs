using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary>
/// The web app with anonymous reads off and a key per role: the admin key of every test app, a
/// manager of ent-1, a manager of ent-2, a viewer of city-a (ent-1 and ent-wide), a viewer of one
/// line (ent-3/p2).
/// </summary>
public sealed class SecuredWebApp : IDisposable
{
    public const string ManagerOfEnt1 = "key-manager-ent-1-abcdef";
    public const string ManagerOfEnt2 = "key-manager-ent-2-abcdef";
    public const string ViewerOfCityA = "key-viewer-city-a-abcdef";
    public const string ViewerOfLine = "key-viewer-line-abcdef";

    public const string ManagerOfEnt1Name = "张经理";

    public SecuredWebApp()
    {
        Dictionary<string, string?> settings = new[]
        {
            TestWebApp.ApiKeySettings(1, ManagerOfEnt1, "manager", "enterprise:ent-1", ManagerOfEnt1Name),
            TestWebApp.ApiKeySettings(2, ManagerOfEnt2, "manager", "enterprise:ent-2"),
            TestWebApp.ApiKeySettings(3, ViewerOfCityA, "viewer", "region:city-a"),
            TestWebApp.ApiKeySettings(4, ViewerOfLine, "viewer", "line:ent-3/p2"),
        }.SelectMany(s => s).ToDictionary();
        settings["Auth:AllowAnonymousRead"] = "false";
        App = new TestWebApp(settings);
    }

    public TestWebApp App { get; }

    public void Dispose() => App.Dispose();
}
