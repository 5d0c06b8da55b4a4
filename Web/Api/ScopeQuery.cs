using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

/// <summary>An optional <c>scope</c> query parameter (alerts, the report): malformed 400, outside the key 403, unknown 404.</summary>
public static class ScopeQuery
{
    public sealed record Resolved(ScopeId? Scope, RegistryIndex Index, Caller Caller);

    public static async Task<(Resolved? Resolved, ProblemHttpResult? Problem)> ResolveAsync(string? scope, RegistryIndexCache registry, HttpContext context)
    {
        ScopeId? id = null;
        if (scope is not null)
        {
            if (!ScopeId.TryParse(scope, out var parsed))
            {
                return (null, Problems.BadField("scope", $"'{Problems.Clip(scope)}' is not a scope: region:{{id}}, chain:{{id}}, enterprise:{{id}} or line:{{enterprise}}/{{line}}.", "Malformed scope"));
            }

            id = parsed;
        }

        var index = await registry.GetAsync();
        var caller = Caller.Of(context.User);
        if (id is { } asked && !caller.Covers(asked, index))
        {
            return (null, Problems.ForbiddenScope(scope!));
        }

        if (id is { } known && !index.Contains(known))
        {
            return (null, Problems.UnknownScope(scope!));
        }

        return (new Resolved(id, index, caller), null);
    }
}
