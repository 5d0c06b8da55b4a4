using Microsoft.Extensions.Options;

namespace OutputMonitor.Web.Security;

/// <summary>The roles of spec/api.md, lowest first.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Manager = "manager";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Manager, Admin];
}

/// <summary>One API key of <c>Auth:ApiKeys</c>: the key itself, its role and the scopes it covers.</summary>
public sealed class ApiKeyOptions
{
    public string? Key { get; set; }

    public string? Role { get; set; }

    /// <summary>Scope ids (<c>region:jiaozuo</c>, <c>enterprise:joincare</c>) covered with everything below them; ignored for admins.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Who the key is, recorded as an acknowledgement's <c>by</c> when no name is given (an addition to the spec); default "{role} key {n}".</summary>
    public string? Name { get; set; }
}

/// <summary><c>Auth</c>: the API keys and whether reads need one.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Reads without a key; unset means true exactly when the web app listens on loopback only.</summary>
    public bool? AllowAnonymousRead { get; set; }
}

/// <summary>
/// Refuses at start what would make the keys ambiguous or the data public: an empty, duplicate or
/// unknown-role key, a malformed scope, or anonymous reads on a non-loopback address.
/// </summary>
public sealed class AuthOptionsValidator(IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var entry = options.ApiKeys[i];
            var path = $"{AuthOptions.Section}:{nameof(AuthOptions.ApiKeys)}:{i}";
            if (string.IsNullOrWhiteSpace(entry.Key))
            {
                errors.Add($"{path}:Key is empty.");
            }
            else if (!seen.Add(entry.Key))
            {
                errors.Add($"{path}:Key repeats an earlier key.");
            }

            if (entry.Role is null || !Roles.All.Contains(entry.Role))
            {
                errors.Add($"{path}:Role '{entry.Role}' is not a role: viewer, manager or admin.");
            }
            else if (entry.Role != Roles.Admin && entry.Scopes.Count == 0)
            {
                errors.Add($"{path}:Scopes is empty: a {entry.Role} sees only its scopes.");
            }

            for (var s = 0; s < entry.Scopes.Count; s++)
            {
                if (!Scopes.ScopeId.TryParse(entry.Scopes[s], out _))
                {
                    errors.Add($"{path}:Scopes:{s} '{Api.Problems.Clip(entry.Scopes[s] ?? "")}' is not a scope: region:{{id}}, chain:{{id}}, enterprise:{{id}} or line:{{enterprise}}/{{line}}.");
                }
            }
        }

        var urls = ListenAddresses.Of(configuration);
        if (options.AllowAnonymousRead == true && urls.FirstOrDefault(url => !ListenAddresses.IsLoopback(url)) is { } open)
        {
            errors.Add($"{AuthOptions.Section}:{nameof(AuthOptions.AllowAnonymousRead)} is true but the web app listens on '{open}', not loopback only: anonymous reads are for the loopback demo.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Where the web app is configured to listen: <c>Urls</c> (and ASPNETCORE_URLS) and <c>Kestrel:Endpoints:*:Url</c>.</summary>
public static class ListenAddresses
{
    public static IReadOnlyList<string> Of(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        return urls;
    }

    /// <summary>Whether a listen URL binds loopback only (<c>localhost</c>, 127.x, <c>[::1]</c>); <c>*</c>, <c>+</c>, any other address and host names are not.</summary>
    public static bool IsLoopback(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']', StringComparison.Ordinal))] : rest.Split(':', '/')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
    }
}
