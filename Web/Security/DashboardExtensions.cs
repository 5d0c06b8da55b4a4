using Orleans.Dashboard;
using OutputMonitor.Silo;

namespace OutputMonitor.Web.Security;

/// <summary>
/// The Orleans dashboard (Microsoft.Orleans.Dashboard) at <c>/orleans</c>, for admin keys only. It
/// runs where this web node co-hosts the silo (the one-process start); a web node that is only a
/// client of a Redis cluster does not map it (the dashboard's client mode needs it on every silo).
/// <c>OrleansDashboard:Enabled=false</c> leaves it out (it profiles every grain call).
/// </summary>
public static class DashboardExtensions
{
    public const string Path = "/orleans";

    public const string EnabledKey = "OrleansDashboard:Enabled";

    public static WebApplicationBuilder AddOutputMonitorDashboard(this WebApplicationBuilder builder)
    {
        if (!Runs(builder.Configuration))
        {
            return builder;
        }

        // A second AddOrleans configures the same silo (AddOrleans, like the silo's own: see AddOutputMonitorSilo).
        builder.Services.AddOrleans(silo => silo.AddDashboard());
        return builder;
    }

    public static WebApplication MapOutputMonitorDashboard(this WebApplication app)
    {
        if (Runs(app.Configuration))
        {
            app.MapOrleansDashboard(Path).RequireAuthorization(AuthPolicies.Admin);
        }

        return app;
    }

    private static bool Runs(IConfiguration configuration) =>
        configuration.GetValue(EnabledKey, true)
        && !(configuration.GetSection(OrleansHostOptions.Section).Get<OrleansHostOptions>() ?? new OrleansHostOptions()).UsesRedis;
}
