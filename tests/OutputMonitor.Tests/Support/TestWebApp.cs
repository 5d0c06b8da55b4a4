using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using OutputMonitor.Registry;

namespace OutputMonitor.Tests.Support;

/// <summary>
/// Web's Program with a test registry, free ports, no simulator; anonymous reads (the test server is
/// loopback) and one admin key, <see cref="AdminKey"/>, for the writes. Other settings (more keys,
/// anonymous reads off, rate limits) through the constructor. On the real clock, so the registry's
/// zones are moved clear of midnight (<see cref="TestRegistry.OnTheRealClock"/>).
/// </summary>
// Any public type of the Web assembly names its entry point (several assemblies here have a Program).
public sealed class TestWebApp : WebApplicationFactory<OutputMonitor.Web.Hubs.MonitorHub>
{
    private readonly string _registryFile = Path.Combine(Path.GetTempPath(), $"om-web-{Guid.NewGuid():N}.json");

    /// <summary>An enterprise of city-a with 250 production lines <c>l0</c>…<c>l249</c>, beside <see cref="TestRegistry.Small"/>.</summary>
    public const string WideEnterprise = "ent-wide";

    /// <summary>The admin key of every test app, named <see cref="AdminName"/>.</summary>
    public const string AdminKey = "test-admin-key-0123456789";

    public const string AdminName = "test-admin";

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly bool _adminKey;

    public TestWebApp()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <param name="adminKey">Whether the app gets <see cref="AdminKey"/> (without it, no key is configured at all).</param>
    internal TestWebApp(IReadOnlyDictionary<string, string?> settings, bool adminKey = true)
    {
        _settings = settings;
        _adminKey = adminKey;
        var small = TestRegistry.Small();
        var wide = TestRegistry.Enterprise(WideEnterprise, "city-a", null, [.. Enumerable.Range(0, 250).Select(i => TestRegistry.Production($"l{i}"))]);
        File.WriteAllText(_registryFile, RegistryJson.Serialize(TestRegistry.OnTheRealClock(small with { Enterprises = [.. small.Enterprises, wide] })));
    }

    /// <summary>The settings that give every test app its admin key (the first of <c>Auth:ApiKeys</c>).</summary>
    public static IReadOnlyDictionary<string, string?> AdminKeySettings { get; } = ApiKeySettings(0, AdminKey, "admin", null, AdminName);

    /// <summary>
    /// The settings of entry <paramref name="index"/> of <c>Auth:Users</c>; the hash is made with
    /// few iterations (<paramref name="iterations"/>) so that signing in is quick in tests.
    /// </summary>
    public static Dictionary<string, string?> UserSettings(int index, string name, string password, string role, string? scope, int iterations = 1000)
    {
        var prefix = $"Auth:Users:{index}:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "Name"] = name,
            [prefix + "PasswordHash"] = OutputMonitor.Silo.Security.PasswordHash.Create(password, iterations),
            [prefix + "Role"] = role,
        };
        if (scope is not null)
        {
            settings[prefix + "Scopes:0"] = scope;
        }

        return settings;
    }

    /// <summary>The settings of entry <paramref name="index"/> of <c>Auth:ApiKeys</c>.</summary>
    public static Dictionary<string, string?> ApiKeySettings(int index, string key, string role, string? scope, string? name = null)
    {
        var prefix = $"Auth:ApiKeys:{index}:";
        var settings = new Dictionary<string, string?> { [prefix + "Key"] = key, [prefix + "Role"] = role };
        if (scope is not null)
        {
            settings[prefix + "Scopes:0"] = scope;
        }

        if (name is not null)
        {
            settings[prefix + "Name"] = name;
        }

        return settings;
    }

    /// <summary>A client that sends <paramref name="key"/> as <c>Authorization: Bearer</c>.</summary>
    public HttpClient CreateClient(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A client with the admin key.</summary>
    public HttpClient CreateAdminClient() => CreateClient(AdminKey);

    public IGrainFactory Grains => (IGrainFactory)Services.GetService(typeof(IGrainFactory))!;

    /// <summary>
    /// A .NET SignalR client of the hub, over the in-memory test server (not yet started), with
    /// <paramref name="key"/> as <c>access_token</c>, or <paramref name="cookie"/> (<c>name=value</c>) as a browser sends its sign-in cookie.
    /// </summary>
    public HubConnection CreateHubConnection(string? key = null, string? cookie = null)
    {
        var server = Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, key is null ? "hubs/monitor" : $"hubs/monitor?access_token={Uri.EscapeDataString(key)}"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, cancellation) =>
                {
                    var client = server.CreateWebSocketClient();
                    if (cookie is not null)
                    {
                        client.ConfigureRequest = request => request.Headers.Cookie = cookie;
                    }

                    return await client.ConnectAsync(context.Uri, cancellation);
                };
            })
            .Build();
    }

    // UseSetting, so that Program sees these while it builds (it reads ports before Build).
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder
            .UseSetting("Registry:Path", _registryFile)
            .UseSetting("Orleans:SiloPort", MosquittoBroker.FreePort().ToString())
            .UseSetting("Orleans:GatewayPort", MosquittoBroker.FreePort().ToString())
            .UseSetting("Mqtt:Port", MosquittoBroker.FreePort().ToString())
            .UseSetting("Simulator:Enabled", "false");
        foreach (var (key, value) in QuietAlertRules.Settings.Concat(_adminKey ? AdminKeySettings : []).Concat(_settings))
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        File.Delete(_registryFile);
    }
}
