using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Alerts;
using OutputMonitor.Registry;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Scopes;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

public static partial class AlertEndpoints
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api").WithTags("Alerts")
            .MapGet("/alerts", GetAlertsAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithName("GetAlerts")
            .WithSummary("Alerts in and below a scope (all when none is given), newest first; status active, acknowledged, cleared or open (active or acknowledged); limit 1–1000, default 200.");
        routes.MapGroup("/api").WithTags("Alerts")
            .MapPost("/alerts/{id}/ack", AcknowledgeAsync)
            .RequireAuthorization(AuthPolicies.Acknowledge)
            .Accepts<AcknowledgeRequest>("application/json")
            .WithName("AcknowledgeAlert")
            .WithSummary("Acknowledges an active alert, recording who (the optional body's 'by', else the API key's name) and when; a manager's key only in its enterprises; an acknowledged one is answered as it is; 404 for an unknown alert, 409 for a cleared one.");
        return routes;
    }

    /// <summary>The optional body of an acknowledgement.</summary>
    public sealed record AcknowledgeRequest(string? By);

    public const int MaxByLength = 100;

    private static async Task<Results<Ok<Alert>, ProblemHttpResult>> AcknowledgeAsync(
        string id, HttpRequest request, IGrainFactory grains, TimeProvider clock, RegistryIndexCache registry)
    {
        // Alert ids begin with their enterprise: {enterprise}.{line}.{kind}.{n}; the enterprise's book holds them.
        if (!AlertId().IsMatch(id) || !ScopeId.IsValidId(id[..id.IndexOf('.', StringComparison.Ordinal)]))
        {
            return Problems.BadField("id", $"'{Problems.Clip(id)}' is not an alert id.");
        }

        var enterprise = id[..id.IndexOf('.', StringComparison.Ordinal)];
        var caller = Caller.Of(request.HttpContext.User);
        if (!caller.IsAdmin && !caller.MayAcknowledge(enterprise, await registry.GetAsync()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden scope", detail: $"Alerts of '{enterprise}' are outside this API key's enterprises.");
        }

        var by = caller.Name ?? "anonymous";
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (body, problem) = await RequestBody.ReadJsonAsync<AcknowledgeRequest>(request, 4096, RegistryJson.Options);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.By is { } named)
            {
                if (string.IsNullOrWhiteSpace(named) || named.Length > MaxByLength || named.Any(char.IsControl))
                {
                    return Problems.BadField("by", $"'by' must be 1 to {MaxByLength} printable characters.");
                }

                by = named.Trim();
            }
        }

        var result = await grains.GetGrain<IAlertBookGrain>(enterprise).AcknowledgeAsync(id, by, clock.GetUtcNow());
        return result switch
        {
            { Alert: null } => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown alert", detail: $"There is no alert '{id}'."),
            { Cleared: true } => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Alert cleared", detail: $"Alert '{id}' cleared at {result.Alert.ClearedAt:O}: there is nothing left to acknowledge."),
            _ => TypedResults.Ok(result.Alert),
        };
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\.[a-z0-9._-]{1,200}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AlertId();

    private static async Task<Results<Ok<IReadOnlyList<Alert>>, ProblemHttpResult>> GetAlertsAsync(
        IGrainFactory grains, RegistryIndexCache registry, HttpContext context, string? scope = null, string? status = null, int? limit = null)
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

        var (resolved, problem) = await ScopeQuery.ResolveAsync(scope, registry, context);
        if (problem is not null)
        {
            return problem;
        }

        var (id, index, caller) = (resolved!.Scope, resolved.Index, resolved.Caller);

        // Alerts live in their enterprise's book: ask the books of the enterprises in the scope.
        IEnumerable<string> enterprises = id is { } s ? index.LinesBelow(s).Select(line => line.Id).Distinct() : index.Enterprises.Select(e => e.Id!).Where(e => caller.SeesAll || index.LinesBelow(ScopeId.Enterprise(e)).Any(l => caller.Covers(l, index)));
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
                .Where(a => caller.SeesAll || (ScopeId.TryParse(a.Scope, out var alertScope) && caller.Covers(alertScope, index)))
                .Where(a => status is null || AlertStatuses.Matches(status, a.Status))
                .OrderByDescending(a => a.RaisedAt)
                .Take(take),
        ];
        return TypedResults.Ok(alerts);
    }
}
