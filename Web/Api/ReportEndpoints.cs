using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

/// <summary>
/// <c>GET /api/reports/daily</c>: one plant day as CSV, a row per enterprise in the scope followed
/// by a row per line of it. Figures are the grains' own: the plant-day bucket (history, step 1d),
/// or the snapshot for today, which adds OEE; plans are the registry's for that day.
/// </summary>
public static class ReportEndpoints
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "scope", "name", "nameEn", "kind", "day", "good", "scrap", "tons", "valueCny",
        "planGood", "planTons", "attainmentGood", "attainmentTons", "oee", "availability", "performance", "quality",
    ];

    /// <summary>The kind column of an enterprise's row (lines have <c>production</c> or <c>shipment</c>).</summary>
    public const string EnterpriseKind = "enterprise";

    /// <summary>How many grains are asked at once.</summary>
    private const int Parallelism = 32;

    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api").WithTags("Reports")
            .MapGet("/reports/daily", GetDailyReportAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithName("GetDailyReport")
            .WithSummary("One plant day as CSV (UTF-8 with a byte order mark): a row per enterprise in the scope (all when none is given) and per line of it, with output, scrap, tons, value, plan, attainment and, for today, OEE. day is yyyy-MM-dd, default today in the scope's time zone.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return routes;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetDailyReportAsync(
        IGrainFactory grains, RegistryIndexCache registry, TimeProvider clock, IOptions<RollupOptions> rollup, HttpContext context, string? scope = null, string? day = null)
    {
        var (resolved, problem) = await ScopeQuery.ResolveAsync(scope, registry, context);
        if (problem is not null)
        {
            return problem;
        }

        var (id, index, caller) = (resolved!.Scope, resolved.Index, resolved.Caller);

        var zone = PlantCalendar.GetZone(id is { } z ? index.Find(z)!.TimeZone : TopRegionZone(index));
        var today = PlantCalendar.LocalDate(clock.GetUtcNow(), zone);
        var date = today;
        if (day is not null)
        {
            if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                return Problems.BadField("day", $"'{Problems.Clip(day)}' is not a day such as 2026-11-22 (yyyy-MM-dd).");
            }

            var oldest = today.AddDays(-(int)rollup.Value.DayRetention.TotalDays);
            if (date > today || date < oldest)
            {
                return Problems.BadField("day", $"'day' must be from {oldest:yyyy-MM-dd} (the day history is kept) to {today:yyyy-MM-dd} (today in {zone.Id}).");
            }
        }

        var rows = RowsOf(index, id).Where(row => caller.Covers(row.Scope, index)).ToList();
        var figures = new Figures[rows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, _) =>
            figures[i] = await FiguresAsync(grains, rows[i], date, clock));

        var csv = new Csv().Row(Columns);
        for (var i = 0; i < rows.Count; i++)
        {
            csv.Row(Cells(rows[i], date, figures[i]));
        }

        var name = $"daily-{(id?.ToString() ?? "all").Replace(':', '_').Replace('/', '_')}-{date:yyyy-MM-dd}.csv";
        return TypedResults.File(csv.ToUtf8(), Csv.ContentType, name);
    }

    /// <summary>The enterprises in the scope (registry order), each followed by its lines; a line scope is its own row.</summary>
    internal static List<ScopeConfig> RowsOf(RegistryIndex index, ScopeId? scope)
    {
        var rows = new List<ScopeConfig>();
        if (scope is { Kind: ScopeKind.Line } line)
        {
            rows.Add(index.Find(line)!);
            return rows;
        }

        var enterprises = scope is { } root
            ? EnterprisesBelow(index, root)
            : index.Document.Enterprises.Select(e => ScopeId.Enterprise(e.Id!));
        foreach (var enterprise in enterprises)
        {
            var config = index.Find(enterprise)!;
            rows.Add(config);
            rows.AddRange(config.Children.Select(child => index.Find(child.Scope)!));
        }

        return rows;
    }

    private static IEnumerable<ScopeId> EnterprisesBelow(RegistryIndex index, ScopeId scope)
    {
        if (scope.Kind == ScopeKind.Enterprise)
        {
            yield return scope;
            yield break;
        }

        foreach (var child in index.Find(scope)!.Children)
        {
            foreach (var enterprise in EnterprisesBelow(index, child.Scope))
            {
                yield return enterprise;
            }
        }
    }

    /// <summary>The zone of the whole registry's "today": its first top-level region's.</summary>
    private static string TopRegionZone(RegistryIndex index) =>
        index.Document.Regions.FirstOrDefault(r => r.Parent is null) is { } top ? index.Find(ScopeId.Region(top.Id!))!.TimeZone : PlantCalendar.DefaultTimeZone;

    private readonly record struct Figures(Totals Totals, OeeFigures? Oee);

    /// <summary>The scope's plant-day bucket: from the snapshot while the day is today in its zone (with OEE), else from its day history.</summary>
    private static async Task<Figures> FiguresAsync(IGrainFactory grains, ScopeConfig row, DateOnly day, TimeProvider clock)
    {
        var grain = grains.GetScopeGrain(row.Scope);
        var zone = PlantCalendar.GetZone(row.TimeZone);
        if (PlantCalendar.LocalDate(clock.GetUtcNow(), zone) == day
            && await grain.GetSnapshotAsync() is { } snapshot
            && snapshot.Day == day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
        {
            return new Figures(snapshot.Today, snapshot.Oee);
        }

        var series = await grain.GetHistoryAsync(HistoryStep.Day, PlantCalendar.DayStart(day, zone), PlantCalendar.DayEnd(day, zone));
        var totals = default(Totals);
        foreach (var point in series?.Points ?? [])
        {
            totals += new Totals(point.Good, point.Scrap, point.Tons, point.ValueCny);
        }

        return new Figures(totals, null);
    }

    private static IEnumerable<string?> Cells(ScopeConfig row, DateOnly day, Figures figures)
    {
        var plan = row.Line is { } line
            ? PlanMath.PerDay(line.Plan, day)
            : row.Lines.Aggregate(default(GoodAndTons), (sum, l) => sum + PlanMath.PerDay(l.Plan, day));
        var totals = figures.Totals;
        var oee = figures.Oee;
        return
        [
            Csv.Defuse(row.Scope.ToString()),
            Csv.Defuse(row.Name),
            Csv.Defuse(row.NameEn ?? ""),
            row.Line?.Kind ?? EnterpriseKind,
            day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Number(totals.Good),
            Number(totals.Scrap),
            Number(totals.Tons),
            Number(totals.ValueCny),
            plan.Good > 0 ? Number(plan.Good) : null,
            plan.Tons > 0 ? Number(plan.Tons) : null,
            plan.Good > 0 ? Ratio(totals.Good, plan.Good) : null,
            plan.Tons > 0 ? Ratio(totals.Tons, plan.Tons) : null,
            Fraction(oee?.Oee),
            Fraction(oee?.Availability),
            Fraction(oee?.Performance),
            Fraction(oee?.Quality),
        ];
    }

    private static string Number(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    /// <summary>Actual ÷ plan, to 4 decimals.</summary>
    private static string Ratio(decimal actual, decimal plan) => Math.Round(actual / plan, 4).ToString("0.####", CultureInfo.InvariantCulture);

    private static string? Fraction(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture);
}
