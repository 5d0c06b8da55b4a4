using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

/// <summary>
/// The registry of spec/api.md: read it, upsert an enterprise (with its lines), a region or a
/// chain, remove an enterprise. A change is validated as a whole registry; a refused one changes
/// nothing and is a 400 whose <c>errors</c> name each field.
/// </summary>
public static class RegistryEndpoints
{
    /// <summary>An enterprise with hundreds of lines is a few hundred KB; more is not a registry change.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapRegistryEndpoints(this IEndpointRouteBuilder routes)
    {
        var registry = routes.MapGroup("/api/registry").WithTags("Registry");
        registry.MapGet("/", GetRegistryAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithName("GetRegistry")
            .WithSummary("The whole registry: regions, chains, enterprises with their lines and plans; for a scoped key, only the enterprises and lines it covers.");
        registry.MapPut("/enterprises/{id}", (string id, HttpRequest request, IGrainFactory grains) =>
                UpsertAsync<EnterpriseDefinition>(id, request, e => e.Id, (e, key) => e with { Id = key }, e => grains.GetRegistryGrain().UpsertEnterpriseAsync(e)))
            .Accepts<EnterpriseDefinition>("application/json")
            .RequireAuthorization(AuthPolicies.Admin)
            .WithName("UpsertEnterprise")
            .WithSummary("Creates or replaces an enterprise with its lines.");
        registry.MapDelete("/enterprises/{id}", DeleteEnterpriseAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithName("DeleteEnterprise")
            .WithSummary("Removes an enterprise and its lines; what they had added is taken back from every scope above them.");
        registry.MapPut("/regions/{id}", (string id, HttpRequest request, IGrainFactory grains) =>
                UpsertAsync<RegionDefinition>(id, request, r => r.Id, (r, key) => r with { Id = key }, r => grains.GetRegistryGrain().UpsertRegionAsync(r)))
            .Accepts<RegionDefinition>("application/json")
            .RequireAuthorization(AuthPolicies.Admin)
            .WithName("UpsertRegion")
            .WithSummary("Creates or replaces a region (province, city or zone).");
        registry.MapPut("/chains/{id}", (string id, HttpRequest request, IGrainFactory grains) =>
                UpsertAsync<ChainDefinition>(id, request, c => c.Id, (c, key) => c with { Id = key }, c => grains.GetRegistryGrain().UpsertChainAsync(c)))
            .Accepts<ChainDefinition>("application/json")
            .RequireAuthorization(AuthPolicies.Admin)
            .WithName("UpsertChain")
            .WithSummary("Creates or replaces an industry chain.");
        return routes;
    }

    private static async Task<Ok<RegistryDocument>> GetRegistryAsync(IGrainFactory grains, RegistryIndexCache cache, HttpContext context)
    {
        var caller = Caller.Of(context.User);
        if (caller.SeesAll)
        {
            return TypedResults.Ok(await grains.GetRegistryGrain().GetDocumentAsync());
        }

        var index = await cache.GetAsync();
        var document = index.Document;
        return TypedResults.Ok(document with
        {
            Enterprises =
            [
                .. document.Enterprises
                    .Select(e => e with { Lines = [.. e.Lines.Where(l => caller.Covers(ScopeId.Line(e.Id!, l.Id!), index))] })
                    .Where(e => e.Lines.Count > 0 || caller.Covers(ScopeId.Enterprise(e.Id!), index)),
            ],
        });
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult, ValidationProblem>> UpsertAsync<T>(
        string id, HttpRequest request, Func<T, string?> idOf, Func<T, string, T> withId, Func<T, Task<RegistryChangeResult>> apply)
        where T : class
    {
        if (!ScopeId.IsValidId(id))
        {
            return BadId(id);
        }

        var (body, problem) = await RequestBody.ReadJsonAsync<T>(request, MaxBodyBytes, RegistryJson.Options);
        if (problem is not null)
        {
            return problem;
        }

        if (idOf(body!) is { } bodyId && bodyId != id)
        {
            return Problems.BadField("id", $"The body's id '{Problems.Clip(bodyId)}' differs from the path's '{id}'.");
        }

        var definition = withId(body!, id);
        var result = await apply(definition);
        return result.Applied ? TypedResults.Ok(definition) : Refused(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteEnterpriseAsync(string id, IGrainFactory grains)
    {
        if (!ScopeId.IsValidId(id))
        {
            return BadId(id);
        }

        var result = await grains.GetRegistryGrain().DeleteEnterpriseAsync(id);
        return result.NotFound
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown enterprise", detail: $"'{id}' is not in the registry.")
            : TypedResults.NoContent();
    }

    private static ProblemHttpResult BadId(string id) =>
        Problems.BadField("id", $"'{Problems.Clip(id)}' is not an id: 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit.");

    private static ValidationProblem Refused(RegistryChangeResult result) => TypedResults.ValidationProblem(
        result.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
        detail: string.Join("; ", result.Errors.Take(5)),
        title: "Invalid registry change");
}
