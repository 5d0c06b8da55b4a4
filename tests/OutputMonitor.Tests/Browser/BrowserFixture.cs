using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OutputMonitor.Registry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Browser;

/// <summary>
/// The browser tests share one product and one headless Chromium. They run one after another and
/// apart from the other collections, so that their 2-second deadlines do not compete for the CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>
/// The real web app (<see cref="WebProduct"/>) and Debian's Chromium driven by Playwright. Every
/// page is served with a strict Content-Security-Policy (no inline scripts, styles or handlers),
/// so any test that checks for console errors also checks that the dashboards keep to it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>What the dashboards must run under: only their own files, no inline code or styles.</summary>
    public const string StrictContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>A viewer of zone-y and a manager of ent-6 (the admin key is every product's).</summary>
    public const string ViewerKey = "browser-viewer-key-abcdef";

    public const string ManagerKey = "browser-manager-key-abcdef";

    private IPlaywright? _playwright;

    public WebProduct Product { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>
    /// <see cref="TestRegistry.Small"/> (prov → city-a, city-b; ent-1…ent-3) plus city-c with ent-4
    /// (one production line at 10 CNY a unit), which only the wall display's live test feeds, and a
    /// region of its own, zone-z with ent-5, where only the alerts page's test raises alerts, and
    /// zone-y with ent-6, whose lines p1…p5 (no plans, so no rule raises anything there) carry the
    /// acknowledgement tests' alerts, one line per test.
    /// </summary>
    public static RegistryDocument Registry()
    {
        var small = TestRegistry.Small();
        return small with
        {
            Regions =
            [
                .. small.Regions,
                TestRegistry.Region("city-c", "prov"),
                TestRegistry.Region("zone-z", null, "Asia/Shanghai"),
                TestRegistry.Region("zone-y", null, "Asia/Shanghai"),
            ],
            Enterprises =
            [
                .. small.Enterprises,
                TestRegistry.Enterprise("ent-4", "city-c", "chain-y", TestRegistry.Production("p1", unitValue: 10m, goodPerDay: 1000)),
                TestRegistry.Enterprise("ent-5", "zone-z", null, TestRegistry.Production("p1")),
                TestRegistry.Enterprise("ent-6", "zone-y", null, TestRegistry.Production("p1"), TestRegistry.Production("p2"), TestRegistry.Production("p3"), TestRegistry.Production("p4"), TestRegistry.Production("p5")),
            ],
        };
    }

    public async Task InitializeAsync()
    {
        var chromium = FindChromium();
        Product = await WebProduct.StartAsync(Registry(), TestWebApp.ApiKeySettings(1, ViewerKey, "viewer", "region:zone-y")
            .Concat(TestWebApp.ApiKeySettings(2, ManagerKey, "manager", "enterprise:ent-6")).ToDictionary());
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            // A document fulfilled by a route (as the CSP header is added below) has no address
            // space, so Chromium's Local Network Access checks would refuse its WebSocket to loopback.
            Args = ["--disable-features=LocalNetworkAccessChecks"],
        });
    }

    /// <summary>A page in its own context (its own localStorage) that records console errors and page errors.</summary>
    public async Task<BrowserPage> NewPageAsync(int width = 1440, int height = 900)
    {
        var context = await Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            Locale = "zh-CN",
        });
        var page = await context.NewPageAsync();
        var result = new BrowserPage(context, page);
        await page.RouteAsync(url => new Uri(url).AbsolutePath.EndsWith(".html", StringComparison.Ordinal), async route =>
        {
            var response = await route.FetchAsync();
            var headers = new Dictionary<string, string>(response.Headers) { ["content-security-policy"] = StrictContentSecurityPolicy };
            await route.FulfillAsync(new() { Response = response, Headers = headers });
        });
        return result;
    }

    /// <summary>A new page (<see cref="NewPageAsync"/>) with a dashboard open once it is live.</summary>
    public async Task<BrowserPage> NewLivePageAsync(string path, int width = 1440, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await OpenLiveAsync(page.Page, path);
        return page;
    }

    /// <summary>Opens a dashboard path of the product in a page and waits until its live indicator says live.</summary>
    public async Task OpenLiveAsync(IPage page, string path)
    {
        await page.GotoAsync(Product.Url(path));
        await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-status", "live");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Product is not null)
        {
            await Product.DisposeAsync();
        }
    }

    /// <summary>Chromium from PATH (Debian's package); the tests never download a browser.</summary>
    private static string FindChromium()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator).Append("/usr/bin"))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("The browser tests need Chromium on PATH (Debian: apt-get install chromium fonts-noto-cjk); none was found.");
    }
}

/// <summary>A page with the console errors and uncaught exceptions it has seen.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add($"console error: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add($"page error: {error}");
            }
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>
    /// Fails with every console error and page error seen, in full, but those a test expects: e.g.
    /// Chromium's own log line for an HTTP error answer the page handles ("Failed to load resource:
    /// … 409 …"). Each expected one must have been seen.
    /// </summary>
    public void AssertNoErrors(params Regex[] expected)
    {
        var errors = Errors;
        var unexpected = errors.Where(error => !expected.Any(e => e.IsMatch(error))).ToList();
        Assert.True(unexpected.Count == 0, $"the page reported {unexpected.Count} error(s):\n{string.Join("\n", unexpected)}");
        foreach (var missing in expected.Where(e => !errors.Any(e.IsMatch)))
        {
            Assert.Fail($"the page did not report the expected error /{missing}/");
        }
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
