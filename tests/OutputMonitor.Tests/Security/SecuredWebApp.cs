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
        App = new TestWebApp(new Dictionary<string, string?>
        {
            ["Auth:AllowAnonymousRead"] = "false",
            ["Auth:ApiKeys:1:Key"] = ManagerOfEnt1,
            ["Auth:ApiKeys:1:Role"] = "manager",
            ["Auth:ApiKeys:1:Name"] = ManagerOfEnt1Name,
            ["Auth:ApiKeys:1:Scopes:0"] = "enterprise:ent-1",
            ["Auth:ApiKeys:2:Key"] = ManagerOfEnt2,
            ["Auth:ApiKeys:2:Role"] = "manager",
            ["Auth:ApiKeys:2:Scopes:0"] = "enterprise:ent-2",
            ["Auth:ApiKeys:3:Key"] = ViewerOfCityA,
            ["Auth:ApiKeys:3:Role"] = "viewer",
            ["Auth:ApiKeys:3:Scopes:0"] = "region:city-a",
            ["Auth:ApiKeys:4:Key"] = ViewerOfLine,
            ["Auth:ApiKeys:4:Role"] = "viewer",
            ["Auth:ApiKeys:4:Scopes:0"] = "line:ent-3/p2",
        });
    }

    public TestWebApp App { get; }

    public void Dispose() => App.Dispose();
}
