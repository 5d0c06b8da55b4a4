using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

/// <summary>
/// <c>GET /api/me</c> (an addition to spec/api.md): who the request is, so the pages show the
/// acknowledge button only where the server would take it.
/// </summary>
public static class MeEndpoints
{
    /// <param name="Role">viewer, manager or admin; null when anonymous.</param>
    /// <param name="Scopes">The key's scopes; empty for admins and anonymous readers (who see everything).</param>
    /// <param name="AcknowledgeAll">Whether it may acknowledge every alert (admin).</param>
    /// <param name="AcknowledgeEnterprises">Otherwise, the enterprises whose alerts it may acknowledge (manager).</param>
    /// <param name="AuthenticatedWith"><c>apiKey</c>, <c>session</c> (signed in on the login page), or absent when anonymous.</param>
    public sealed record Me(string? Role, string? Name, IReadOnlyList<string> Scopes, bool AcknowledgeAll, IReadOnlyList<string> AcknowledgeEnterprises, string? AuthenticatedWith);

    public static IEndpointRouteBuilder MapMeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api").WithTags("Security")
            .MapGet("/me", GetMeAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithName("GetMe")
            .WithSummary("The caller: its role and name (absent when anonymous), scopes, how it authenticated (apiKey or session), and whether it may acknowledge every alert or the alerts of which enterprises.");
        return routes;
    }

    private static async Task<Ok<Me>> GetMeAsync(HttpContext context, RegistryIndexCache registry) =>
        TypedResults.Ok(await DescribeAsync(Caller.Of(context.User), registry));

    /// <summary>What <c>/api/me</c> says of a caller (also the answer of a sign-in).</summary>
    public static async Task<Me> DescribeAsync(Caller caller, RegistryIndexCache registry)
    {
        IReadOnlyList<string> acknowledge = caller.Role == Roles.Manager ? AcknowledgeableBy(caller, await registry.GetAsync()) : [];
        var with = caller.Scheme switch
        {
            ApiKeyAuthenticationHandler.SchemeName => "apiKey",
            SessionCookie.SchemeName => "session",
            _ => null,
        };
        return new Me(caller.Role, caller.Name, [.. caller.Scopes.Select(s => s.ToString())], caller.IsAdmin, acknowledge, with);
    }

    private static List<string> AcknowledgeableBy(Caller caller, Registry.RegistryIndex index) =>
        [.. index.Enterprises.Select(e => e.Id!).Where(e => caller.MayAcknowledge(e, index))];
}
