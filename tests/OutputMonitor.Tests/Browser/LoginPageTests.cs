using System.Text.RegularExpressions;
using OutputMonitor.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OutputMonitor.Tests.Browser;

/// <summary>A product with anonymous reads off and one person of Auth:Users, a manager of ent-1, who signs in on login.html.</summary>
public sealed class SignInProduct : IAsyncLifetime
{
    public const string Name = "王经理";
    public const string Password = "pw 登录 test";

    public WebProduct Product { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = TestWebApp.UserSettings(0, Name, Password, "manager", "enterprise:ent-1");
        settings["Auth:AllowAnonymousRead"] = "false";
        Product = await WebProduct.StartAsync(BrowserFixture.Registry(), settings);
    }

    public async Task DisposeAsync() => await Product.DisposeAsync();
}

/// <summary>
/// login.html: a page that gets 401 from the API (no key, anonymous reads off) sends the browser to
/// the login page and, once signed in, back to where it was; the header shows who and signs out;
/// the return path is this site's only.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LoginPageTests(BrowserFixture browser, SignInProduct signIn) : IClassFixture<SignInProduct>
{
    private const string PlantPath = "/plant.html?scope=enterprise:ent-1";

    // Chromium's own log line for each 401 the pages handle (the API before signing in, a wrong password).
    private static readonly Regex Unauthorized = new("status of 401");

    private string BaseUrl => signIn.Product.BaseUrl;

    [Fact]
    public async Task The_plant_page_sends_an_anonymous_browser_to_sign_in_and_back_and_signing_out_ends_it()
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;

        await page.GotoAsync(BaseUrl + PlantPath);

        await Expect(page).ToHaveURLAsync($"{BaseUrl}/login.html?return=%2Fplant.html%3Fscope%3Denterprise%3Aent-1");
        await Expect(page.Locator("#login-submit")).ToHaveTextAsync("登录");
        await page.Locator("#login-name").FillAsync(SignInProduct.Name);
        await page.Locator("#login-password").FillAsync("not the password");
        await page.Locator("#login-submit").ClickAsync();
        await Expect(page.Locator("#login-error")).ToHaveTextAsync("用户名或密码不正确。");

        await page.Locator("#login-password").FillAsync(SignInProduct.Password);
        await page.Locator("#login-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync(BaseUrl + PlantPath);
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-status", "live");
        await Expect(page.Locator(".line-card")).ToHaveCountAsync(2);
        await Expect(page.Locator("#account-name")).ToHaveTextAsync(SignInProduct.Name);

        await page.Locator("#sign-out").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/login\.html\?return="));
        await page.GotoAsync(BaseUrl + PlantPath);
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\.html\?return=%2Fplant\.html"));
        tab.AssertNoErrors(Unauthorized);
    }

    [Theory]
    [InlineData("//127.0.0.1:9/elsewhere")]
    [InlineData("https://127.0.0.1:9/elsewhere")]
    [InlineData("/\\127.0.0.1:9/elsewhere")]
    public async Task A_return_address_of_another_site_is_refused_for_the_index(string returnTo)
    {
        await using var tab = await browser.NewPageAsync();
        var page = tab.Page;
        await page.GotoAsync($"{BaseUrl}/login.html?lang=en&return={Uri.EscapeDataString(returnTo)}");
        await Expect(page.Locator("#login-submit")).ToHaveTextAsync("Sign in");

        await page.Locator("#login-name").FillAsync(SignInProduct.Name);
        await page.Locator("#login-password").FillAsync(SignInProduct.Password);
        await page.Locator("#login-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync(BaseUrl + "/");
        await Expect(page.Locator("#account-name")).ToHaveTextAsync(SignInProduct.Name);
        tab.AssertNoErrors();
    }
}
