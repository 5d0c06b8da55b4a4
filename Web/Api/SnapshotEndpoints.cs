using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

public static class SnapshotEndpoints
{
    public static IEndpointRouteBuilder MapSnapshotEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").WithTags("Snapshots").RequireAuthorization(AuthPolicies.Read);
        api.MapGet("/snapshot/{**scope}", GetSnapshotAsync)
            .WithName("GetSnapshot")
            .WithSummary("The live snapshot of a scope: region:{id}, chain:{id}, enterprise:{id} or line:{enterprise}/{line}.");
        return routes;
    }

    private static async Task<Results<Ok<ScopeSnapshot>, ProblemHttpResult>> GetSnapshotAsync(string scope, IGrainFactory grains, HttpContext context, RegistryIndexCache registry)
    {
        if (!ScopeId.TryParse(scope, out var id))
        {
            return Problems.BadScope(scope);
        }

        if (!await Caller.Of(context.User).CoversAsync(id, registry))
        {
            return Problems.ForbiddenScope(scope);
        }

        var snapshot = await grains.GetScopeGrain(id).GetSnapshotAsync();
        return snapshot is null ? Problems.UnknownScope(scope) : TypedResults.Ok(snapshot);
    }
}
