using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

public static partial class HistoryEndpoints
{
    /// <summary>The most buckets one request may span: a week of minutes, over a year of hours.</summary>
    public const int MaxSteps = 10_080;

    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api").WithTags("History").RequireAuthorization(AuthPolicies.Read)
            .MapGet("/history/{**scope}", GetHistoryAsync)
            .WithName("GetHistory")
            .WithSummary("Buckets of a scope by event time: step 1m, 1h or 1d (plant days); from/to RFC 3339, to defaults to now, from to 3 h, 48 h or 31 days before to. Only buckets with data are listed.");
        return routes;
    }

    private static async Task<Results<Ok<HistorySeries>, ProblemHttpResult>> GetHistoryAsync(
        string scope, IGrainFactory grains, TimeProvider clock, HttpContext context, RegistryIndexCache registry, string? from = null, string? to = null, string? step = null)
    {
        if (!ScopeId.TryParse(scope, out var id))
        {
            return Problems.BadScope(scope);
        }

        if (!await Caller.Of(context.User).CoversAsync(id, registry))
        {
            return Problems.ForbiddenScope(scope);
        }

        (HistoryStep Step, TimeSpan Size, TimeSpan DefaultRange)? parsed = (step ?? "1h") switch
        {
            "1m" => (HistoryStep.Minute, TimeSpan.FromMinutes(1), TimeSpan.FromHours(3)),
            "1h" => (HistoryStep.Hour, TimeSpan.FromHours(1), TimeSpan.FromHours(48)),
            "1d" => (HistoryStep.Day, TimeSpan.FromDays(1), TimeSpan.FromDays(31)),
            _ => null,
        };
        if (parsed is not { } bucket)
        {
            return Problems.BadField("step", $"'{Problems.Clip(step!)}' is not a step: 1m, 1h or 1d.");
        }

        DateTimeOffset end, start;
        if (to is null)
        {
            end = clock.GetUtcNow();
        }
        else if (!TryParseTime(to, out end))
        {
            return Problems.BadField("to", $"'{Problems.Clip(to)}' is not an RFC 3339 time such as 2026-11-22T06:15:00Z.");
        }

        if (from is null)
        {
            start = end - bucket.DefaultRange;
        }
        else if (!TryParseTime(from, out start))
        {
            return Problems.BadField("from", $"'{Problems.Clip(from)}' is not an RFC 3339 time such as 2026-11-22T00:00:00Z.");
        }

        if (start >= end)
        {
            return Problems.BadField("from", "'from' must be before 'to'.");
        }

        if ((end - start) / bucket.Size > MaxSteps)
        {
            return Problems.BadField("from", $"At most {MaxSteps} steps of {step ?? "1h"} per request; ask for a shorter range or a larger step.");
        }

        var series = await grains.GetScopeGrain(id).GetHistoryAsync(bucket.Step, start, end);
        return series is null ? Problems.UnknownScope(scope) : TypedResults.Ok(series);
    }

    /// <summary>RFC 3339: a date, a time and an offset (Z or ±hh:mm), nothing looser.</summary>
    private static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        return Rfc3339().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
