using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Alerts;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;

namespace OutputMonitor.Web.Api;

public static class AlertEndpoints
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api").WithTags("Alerts")
            .MapGet("/alerts", GetAlertsAsync)
            .WithName("GetAlerts")
            .WithSummary("Alerts in and below a scope (all when none is given), newest first; status active, acknowledged, cleared or open (active or acknowledged); limit 1–1000, default 200.");
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<Alert>>, ProblemHttpResult>> GetAlertsAsync(
        IGrainFactory grains, string? scope = null, string? status = null, int? limit = null)
    {
        if (status is not null && !AlertStatuses.IsFilter(status))
        {
            return Problems.BadField("status", $"'{Problems.Clip(status)}' is not a status: active, acknowledged, cleared or open.");
        }

        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return Problems.BadField("limit", $"'limit' must be between 1 and {MaxLimit}.");
        }

        ScopeId? id = null;
        if (scope is not null)
        {
            if (!ScopeId.TryParse(scope, out var parsed))
            {
                return Problems.BadScope(scope);
            }

            id = parsed;
        }

        var index = new RegistryIndex(await grains.GetRegistryGrain().GetDocumentAsync());
        if (id is { } known && !index.Contains(known))
        {
            return Problems.UnknownScope(scope!);
        }

        // Alerts live in their enterprise's book: ask the books of the enterprises in the scope.
        IEnumerable<string> enterprises = id is { } s ? index.LinesBelow(s).Select(line => line.Id).Distinct() : index.Enterprises.Select(e => e.Id!);
        if (id is { Kind: ScopeKind.Enterprise } enterprise)
        {
            enterprises = [enterprise.Id];
        }

        var books = await Task.WhenAll(enterprises.Select(e => grains.GetGrain<IAlertBookGrain>(e).GetAlertsAsync()));
        var lineScope = id is { Kind: ScopeKind.Line } line ? line.ToString() : null;
        IReadOnlyList<Alert> alerts =
        [
            .. books.SelectMany(b => b)
                .Where(a => lineScope is null || a.Scope == lineScope)
                .Where(a => status is null || AlertStatuses.Matches(status, a.Status))
                .OrderByDescending(a => a.RaisedAt)
                .Take(take),
        ];
        return TypedResults.Ok(alerts);
    }
}
