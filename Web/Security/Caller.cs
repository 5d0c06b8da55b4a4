using System.Security.Claims;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;

namespace OutputMonitor.Web.Security;

/// <summary>
/// Who is asking, from the request's principal: a key's role and scopes, or anonymous (null role,
/// reads only, allowed only with anonymous reads on). A viewer's or manager's scopes cover
/// themselves and everything below them; an admin and an anonymous reader see everything readable.
/// </summary>
public sealed class Caller
{
    public const string ScopeClaim = "om:scope";

    /// <summary>The principal of a key or a signed-in person: the same name, role and scope claims, so every check treats both alike.</summary>
    public static ClaimsPrincipal Principal(string scheme, string name, string role, IEnumerable<ScopeId> scopes, params Claim[] more) =>
        new(new ClaimsIdentity(
            [new(ClaimTypes.Name, name), new(ClaimTypes.Role, role), .. scopes.Select(s => new Claim(ScopeClaim, s.ToString())), .. more],
            scheme));

    private Caller(string? role, IReadOnlyList<ScopeId> scopes, string? name, string? scheme)
    {
        Role = role;
        Scopes = scopes;
        Name = name;
        Scheme = scheme;
    }

    public string? Role { get; }

    public IReadOnlyList<ScopeId> Scopes { get; }

    /// <summary>The key's identity (recorded as an acknowledgement's <c>by</c>), null when anonymous.</summary>
    public string? Name { get; }

    /// <summary>How the caller was authenticated: <see cref="ApiKeyAuthenticationHandler.SchemeName"/> or <see cref="SessionCookie.SchemeName"/>; null when anonymous.</summary>
    public string? Scheme { get; }

    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>Whether every scope is readable: admins and anonymous readers.</summary>
    public bool SeesAll => Role is null or Roles.Admin;

    public static Caller Of(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true
        ? new Caller(user.FindFirstValue(ClaimTypes.Role), [.. user.FindAll(ScopeClaim).Select(c => ScopeId.Parse(c.Value))], user.Identity.Name, user.Identity.AuthenticationType)
        : new Caller(null, [], null, null);

    /// <summary>Whether the caller may read <paramref name="scope"/>: one of its scopes is the scope or above it.</summary>
    public bool Covers(ScopeId scope, RegistryIndex index)
    {
        if (SeesAll)
        {
            return true;
        }

        var above = index.ScopeAndAbove(scope);
        return Scopes.Any(above.Contains);
    }

    /// <summary>Whether the caller may acknowledge alerts of an enterprise: an admin, or a manager covering it.</summary>
    public bool MayAcknowledge(string enterpriseId, RegistryIndex index) =>
        IsAdmin || (Role == Roles.Manager && Covers(ScopeId.Enterprise(enterpriseId), index));
}

public static class CallerExtensions
{
    /// <summary>Whether the caller may read the scope; the registry is fetched only for scoped keys.</summary>
    public static async Task<bool> CoversAsync(this Caller caller, ScopeId scope, Hosting.RegistryIndexCache registry) =>
        caller.SeesAll || caller.Covers(scope, await registry.GetAsync());
}
