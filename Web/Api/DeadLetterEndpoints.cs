using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Web.Hosting;

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
            .WithName("GetDeadLetters")
            .WithSummary("The newest rejected messages, newest first: of one enterprise (or 'unrouted'), or of all.");
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<DeadLetter>>, ProblemHttpResult>> GetDeadLettersAsync(IGrainFactory grains, RegistryIndexCache registry, string? enterprise = null, int? limit = null)
    {
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

            return TypedResults.Ok(await grains.GetGrain<IDeadLetterGrain>(enterprise).GetNewestAsync(take));
        }

        var keys = (await registry.GetAsync()).Enterprises.Select(e => e.Id!).Append(Unrouted);
        var all = await Task.WhenAll(keys.Select(key => grains.GetGrain<IDeadLetterGrain>(key).GetNewestAsync(take)));
        return TypedResults.Ok<IReadOnlyList<DeadLetter>>([.. all.SelectMany(d => d).OrderByDescending(d => d.ReceivedAt).Take(take)]);
    }
}
