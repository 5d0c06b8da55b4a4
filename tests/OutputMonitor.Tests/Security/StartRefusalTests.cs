using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OutputMonitor.Tests.Support;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Tests.Security;

/// <summary><c>Auth</c> is validated at start: a bad entry is refused naming it; anonymous reads only on loopback.</summary>
public sealed class StartRefusalTests
{
    [Theory]
    [InlineData("Auth:ApiKeys:1:Key", "", "Auth:ApiKeys:1:Key is empty")]
    [InlineData("Auth:ApiKeys:1:Key", TestWebApp.AdminKey, "Auth:ApiKeys:1:Key repeats")]
    [InlineData("Auth:ApiKeys:1:Role", "owner", "Auth:ApiKeys:1:Role 'owner' is not a role")]
    [InlineData("Auth:ApiKeys:1:Scopes:0", "city:jiaozuo", "Auth:ApiKeys:1:Scopes:0 'city:jiaozuo' is not a scope")]
    public void A_bad_key_entry_is_refused_naming_it(string setting, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:1:Key"] = "a-viewer-key-abcdef",
            ["Auth:ApiKeys:1:Role"] = "viewer",
            ["Auth:ApiKeys:1:Scopes:0"] = "region:city-a",
            [setting] = value,
        };
        using var app = new TestWebApp(settings);

        var refused = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Auth:Users:1:Name", "", "Auth:Users:1:Name is empty")]
    [InlineData("Auth:Users:1:Name", "MANAGER-1", "Auth:Users:1:Name 'MANAGER-1' repeats an earlier user")]
    [InlineData("Auth:Users:1:PasswordHash", "plain-text-password", "Auth:Users:1:PasswordHash is not a $7$ hash")]
    [InlineData("Auth:Users:1:PasswordHash", "$7$0$c2FsdA==$aGFzaA==", "Auth:Users:1:PasswordHash is not a $7$ hash")]
    [InlineData("Auth:Users:1:Role", "owner", "Auth:Users:1:Role 'owner' is not a role")]
    [InlineData("Auth:Users:1:Scopes:0", "city:jiaozuo", "Auth:Users:1:Scopes:0 'city:jiaozuo' is not a scope")]
    [InlineData("Auth:Users:1:Password", "secret", "Auth:Users:1:Password is not read: store a hash in Auth:Users:1:PasswordHash, made with `dotnet run --project Web -- hash-password`")]
    public void A_bad_user_entry_is_refused_naming_it(string setting, string value, string expected)
    {
        var settings = TestWebApp.UserSettings(0, "manager-1", "pw", "manager", "enterprise:ent-1")
            .Concat(TestWebApp.UserSettings(1, "viewer-1", "pw", "viewer", "region:city-a"))
            .ToDictionary();
        settings[setting] = value;
        using var app = new TestWebApp(settings);

        var refused = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_viewer_user_without_scopes_is_refused()
    {
        using var app = new TestWebApp(TestWebApp.UserSettings(0, "viewer-1", "pw", "viewer", null));

        var refused = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Auth:Users:0:Scopes is empty: a viewer sees only its scopes.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anonymous_reads_on_a_non_loopback_address_are_refused()
    {
        using var app = new TestWebApp(new Dictionary<string, string?> { ["Auth:AllowAnonymousRead"] = "true", ["urls"] = "http://*:5080" });

        var refused = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Auth:AllowAnonymousRead is true but the web app listens on 'http://*:5080'", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("https://[::1]:5443", true)]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5080", true)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:80", false)]
    [InlineData("http://127.0.0.1:5080;http://*:5081", false)]
    public void Anonymous_reads_default_to_on_only_when_every_address_is_loopback(string urls, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build();

        var store = new ApiKeyStore(Options.Create(new AuthOptions()), configuration);

        Assert.Equal(expected, store.AnonymousRead);
    }

    [Fact]
    public void An_explicit_false_turns_anonymous_reads_off_on_loopback_too()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:5080" }).Build();

        Assert.False(new ApiKeyStore(Options.Create(new AuthOptions { AllowAnonymousRead = false }), configuration).AnonymousRead);
    }
}
