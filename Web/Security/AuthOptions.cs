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

/// <summary>
/// One person of <c>Auth:Users</c>, who signs in on the login page: a name, a <c>$7$</c> password
/// hash (made by <c>hash-password</c>, never the password itself), a role and scopes as a key has.
/// </summary>
public sealed class UserOptions
{
    public string? Name { get; set; }

    public string? PasswordHash { get; set; }

    public string? Role { get; set; }

    /// <summary>As <see cref="ApiKeyOptions.Scopes"/>.</summary>
    public List<string> Scopes { get; set; } = [];
}

/// <summary><c>Auth</c>: the API keys, the people who sign in, and whether reads need either.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    public List<UserOptions> Users { get; set; } = [];

    /// <summary>How long a sign-in lasts without use (sliding: each request renews it once half is gone).</summary>
    public int SessionMinutes { get; set; } = 480;

    /// <summary>Reads without a key; unset means true exactly when the web app listens on loopback only.</summary>
    public bool? AllowAnonymousRead { get; set; }
}

/// <summary>
/// Refuses at start what would make the keys or users ambiguous or the data public: an empty,
/// duplicate or unknown-role key or user, a malformed scope or password hash, a plain password, or
/// anonymous reads on a non-loopback address.
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

            ValidateRoleAndScopes(path, entry.Role, entry.Scopes, errors);
        }

        ValidateUsers(options.Users, errors);
        if (options.SessionMinutes is < 1 or > 60 * 24 * 30)
        {
            errors.Add($"{AuthOptions.Section}:{nameof(AuthOptions.SessionMinutes)} must be between 1 and 43200 (30 days).");
        }

        var urls = ListenAddresses.Of(configuration);
        if (options.AllowAnonymousRead == true && urls.FirstOrDefault(url => !ListenAddresses.IsLoopback(url)) is { } open)
        {
            errors.Add($"{AuthOptions.Section}:{nameof(AuthOptions.AllowAnonymousRead)} is true but the web app listens on '{open}', not loopback only: anonymous reads are for the loopback demo.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateUsers(List<UserOptions> users, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < users.Count; i++)
        {
            var user = users[i];
            var path = $"{AuthOptions.Section}:{nameof(AuthOptions.Users)}:{i}";
            if (string.IsNullOrWhiteSpace(user.Name))
            {
                errors.Add($"{path}:Name is empty.");
            }
            else if (user.Name.Length > UserStore.MaxNameLength || user.Name.Any(char.IsControl))
            {
                errors.Add($"{path}:Name must be 1 to {UserStore.MaxNameLength} printable characters.");
            }
            else if (!seen.Add(user.Name.Trim()))
            {
                errors.Add($"{path}:Name '{user.Name}' repeats an earlier user.");
            }

            // Binding ignores unknown keys, so a plain password would be silently unused: say so instead.
            if (configuration[$"{path}:Password"] is not null)
            {
                errors.Add($"{path}:Password is not read: store a hash in {path}:PasswordHash, made with `dotnet run --project Web -- hash-password`.");
            }

            if (!Silo.Security.PasswordHash.IsWellFormed(user.PasswordHash, out var problem))
            {
                errors.Add($"{path}:PasswordHash {problem}.");
            }

            ValidateRoleAndScopes(path, user.Role, user.Scopes, errors);
        }
    }

    /// <summary>The role and scopes of a key or a user, reported under <paramref name="path"/>.</summary>
    private static void ValidateRoleAndScopes(string path, string? role, List<string> scopes, List<string> errors)
    {
        if (role is null || !Roles.All.Contains(role))
        {
            errors.Add($"{path}:Role '{role}' is not a role: viewer, manager or admin.");
        }
        else if (role != Roles.Admin && scopes.Count == 0)
        {
            errors.Add($"{path}:Scopes is empty: a {role} sees only its scopes.");
        }

        for (var s = 0; s < scopes.Count; s++)
        {
            if (!Scopes.ScopeId.TryParse(scopes[s], out _))
            {
                errors.Add($"{path}:Scopes:{s} '{Api.Problems.Clip(scopes[s] ?? "")}' is not a scope: region:{{id}}, chain:{{id}}, enterprise:{{id}} or line:{{enterprise}}/{{line}}.");
            }
        }
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
