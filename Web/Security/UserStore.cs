using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OutputMonitor.Scopes;
using OutputMonitor.Silo.Security;

namespace OutputMonitor.Web.Security;

/// <summary>
/// A person of <c>Auth:Users</c> as kept in memory. <paramref name="Stamp"/> fingerprints the whole
/// entry: a sign-in cookie carries it, and one made before the entry changed (new password, role or
/// scopes, or the user removed) is refused after the restart that applies the change.
/// </summary>
public sealed record UserEntry(string Name, string PasswordHash, string Role, IReadOnlyList<ScopeId> Scopes, string Stamp);

/// <summary>The people of <c>Auth:Users</c>, validated at start (<see cref="AuthOptionsValidator"/>); names are matched ignoring case.</summary>
public sealed class UserStore
{
    public const int MaxNameLength = 100;

    /// <summary>Longer is no password anyone types, and PBKDF2 over megabytes is work an attacker would like us to do.</summary>
    public const int MaxPasswordLength = 1024;

    private readonly Dictionary<string, UserEntry> _users;

    // Verified against when the name is unknown, so that a wrong name costs what a wrong password
    // does: a random password at the users' (highest) iteration count, made when first needed.
    private readonly Lazy<string> _dummyHash;

    public UserStore(IOptions<AuthOptions> options)
    {
        _users = options.Value.Users.ToDictionary(
            u => u.Name!.Trim(),
            u => new UserEntry(u.Name!.Trim(), u.PasswordHash!, u.Role!, [.. u.Scopes.Select(ScopeId.Parse)], StampOf(u)),
            StringComparer.OrdinalIgnoreCase);
        var iterations = _users.Values.Select(u => IterationsOf(u.PasswordHash)).DefaultIfEmpty(PasswordHash.DefaultIterations).Max();
        _dummyHash = new(() => PasswordHash.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)), iterations));
    }

    public bool Any => _users.Count > 0;

    /// <summary>The user whose name and password these are, or null; as slow for an unknown name as for a wrong password.</summary>
    public UserEntry? Verify(string name, string password)
    {
        var found = _users.GetValueOrDefault(name.Trim());
        var matches = PasswordHash.Verify(password, found?.PasswordHash ?? _dummyHash.Value);
        return matches ? found : null;
    }

    /// <summary>The user a sign-in cookie names, if it is still configured exactly as it was when the cookie was made.</summary>
    public UserEntry? Current(string? name, string? stamp) =>
        name is not null && _users.GetValueOrDefault(name) is { } user && stamp is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(user.Stamp), Encoding.ASCII.GetBytes(stamp))
            ? user
            : null;

    /// <summary>N of a well-formed <c>$7$N$salt$hash</c> (checked at start).</summary>
    private static int IterationsOf(string hash) => int.Parse(hash.Split('$')[2], System.Globalization.CultureInfo.InvariantCulture);

    private static string StampOf(UserOptions user) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', [user.Name!.Trim(), user.PasswordHash!, user.Role!, .. user.Scopes]))))[..22];
}
