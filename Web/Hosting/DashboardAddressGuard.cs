using OutputMonitor.Web.Api;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Hosting;

/// <summary>
/// The Orleans dashboard's per-silo routes turn a silo address they cannot parse into a 500 (found by
/// the hostile HTTP suite); this refuses such an address as the client's 400 before the dashboard sees it.
/// </summary>
public static class DashboardAddressGuard
{
    private static readonly string[] SiloRoutes = ["SiloCounters", "SiloMetadata", "SiloProperties", "HistoricalStats"];

    public static IApplicationBuilder UseDashboardAddressGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (SiloAddressOf(context.Request.Path) is { } address && !IsSiloAddress(address))
        {
            await Problems.BadField("address", $"'{Problems.Clip(address)}' is not a silo address such as 127.0.0.1:11111@123456789.").ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private static string? SiloAddressOf(PathString path)
    {
        foreach (var route in SiloRoutes)
        {
            if (path.StartsWithSegments($"{DashboardExtensions.Path}/{route}", StringComparison.Ordinal, out var rest))
            {
                return rest.Value?.TrimStart('/') ?? "";
            }
        }

        return null;
    }

    private static bool IsSiloAddress(string text)
    {
        try
        {
            SiloAddress.FromParsableString(text);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return false;
        }
    }
}
