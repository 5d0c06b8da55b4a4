using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Web.Api;

public static class SnapshotEndpoints
{
    public static IEndpointRouteBuilder MapSnapshotEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").WithTags("Snapshots");
        api.MapGet("/snapshot/{**scope}", GetSnapshotAsync)
            .WithName("GetSnapshot")
            .WithSummary("The live snapshot of a scope: region:{id}, chain:{id}, enterprise:{id} or line:{enterprise}/{line}.");
        return routes;
    }

    private static async Task<Results<Ok<ScopeSnapshot>, ProblemHttpResult>> GetSnapshotAsync(string scope, IGrainFactory grains)
    {
        if (!ScopeId.TryParse(scope, out var id))
        {
            return Problems.BadScope(scope);
        }

        var snapshot = await grains.GetScopeGrain(id).GetSnapshotAsync();
        return snapshot is null ? Problems.UnknownScope(scope) : TypedResults.Ok(snapshot);
    }
}
