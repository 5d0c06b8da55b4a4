using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

public static class DeadLetterEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The key of the dead letters whose topic names no enterprise.</summary>
    public const string Unrouted = Gateway.Mqtt.DeadLetterSink.Unrouted;

    public static IEndpointRouteBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api").WithTags("Dead letters")
            .MapGet("/deadletters", GetDeadLettersAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithName("GetDeadLetters")
            .WithSummary("The newest rejected messages, newest first: of one enterprise (or 'unrouted', admins and anonymous readers only), or of all the key covers.");
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<DeadLetter>>, ProblemHttpResult>> GetDeadLettersAsync(
        IGrainFactory grains, RegistryIndexCache registry, HttpContext context, string? enterprise = null, int? limit = null)
    {
        var caller = Caller.Of(context.User);
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad limit", detail: $"'limit' must be between 1 and {MaxLimit}.");
        }

        if (enterprise is not null)
        {
            if (enterprise != Unrouted && !ScopeId.IsValidId(enterprise))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad enterprise", detail: $"'{Problems.Clip(enterprise)}' is not an enterprise id.");
            }

            if (!caller.SeesAll && (enterprise == Unrouted || !caller.Covers(ScopeId.Enterprise(enterprise), await registry.GetAsync())))
            {
                return Problems.ForbiddenScope(enterprise == Unrouted ? Unrouted : ScopeId.Enterprise(enterprise).ToString());
            }

            return TypedResults.Ok(await grains.GetGrain<IDeadLetterGrain>(enterprise).GetNewestAsync(take));
        }

        // Unrouted messages name no enterprise: only those who see everything see them.
        var index = await registry.GetAsync();
        var keys = index.Enterprises.Select(e => e.Id!).Where(e => caller.SeesAll || caller.Covers(ScopeId.Enterprise(e), index));
        if (caller.SeesAll)
        {
            keys = keys.Append(Unrouted);
        }

        var all = await Task.WhenAll(keys.Select(key => grains.GetGrain<IDeadLetterGrain>(key).GetNewestAsync(take)));
        return TypedResults.Ok<IReadOnlyList<DeadLetter>>([.. all.SelectMany(d => d).OrderByDescending(d => d.ReceivedAt).Take(take)]);
    }
}
