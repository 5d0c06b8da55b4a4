using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutputMonitor.Silo.Health;
using OutputMonitor.Gateway;
using OutputMonitor.Contracts;
using OutputMonitor.Silo;
using OutputMonitor.Simulator;
using OutputMonitor.Web.Api;
using OutputMonitor.Web.Hubs;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Hosting;

public static partial class WebHostingExtensions
{
    /// <summary>
    /// The web node. With <c>Orleans:Clustering=localhost</c> (the default) it is the whole product
    /// in one process: a co-hosted silo, the embedded broker and gateway, and the simulator
    /// (<c>Simulator:Enabled</c>). With
    /// <c>redis</c> it is a web node only, an Orleans client of the cluster.
    /// </summary>
    public static WebApplicationBuilder AddOutputMonitorWeb(this WebApplicationBuilder builder)
    {
        var clustering = builder.Configuration.GetSection(OrleansHostOptions.Section).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        if (clustering.UsesRedis)
        {
            builder.AddOutputMonitorClient();
        }
        else
        {
            builder.AddOutputMonitorSilo();
            builder.AddOutputMonitorGateway();
            builder.AddOutputMonitorSimulator();

            // The one-command demo: a key of its own where none are configured (printed at start).
            builder.Services.AddSingleton<DemoAdminKey>();
            builder.Services.AddSingleton<IPostConfigureOptions<AuthOptions>, DemoAdminKey.AddWhereNoneConfigured>();
        }

        builder.AddOutputMonitorSecurity();
        builder.Services.AddSessionKeyRing(inRedis: clustering.UsesRedis);
        builder.AddOutputMonitorDashboard();

        builder.AddOutputMonitorWebTelemetry();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(options => options.AddSecuritySchemes());
        builder.Services.AddReadiness();
        builder.Services.ConfigureHttpJsonOptions(options => ContractJson.Apply(options.SerializerOptions));
        builder.Services.AddSignalR().AddJsonProtocol(options => ContractJson.Apply(options.PayloadSerializerOptions));
        // The report's oldest day (history retention); bound here too where the silo runs elsewhere.
        builder.Services.AddOptions<RollupOptions>().BindConfiguration(RollupOptions.Section);
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RegistryIndexCache>();
        builder.Services.AddSingleton<ScopeWatch>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ScopeWatch>());
        return builder;
    }

    public static WebApplication MapOutputMonitorWeb(this WebApplication app)
    {
        // Malformed input that fails binding (a non-number limit, a bad JSON body) is the client's 4xx, not a 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseOutputMonitorSecurity();
        app.UseDashboardAddressGuard();
        // The dashboards (wwwroot): plain static files, front-end libraries vendored from npm.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        // One document, by its fixed name: a {documentName} route answered other names with a text/plain 404, not a problem.
        app.MapOpenApi("/openapi/v1.json");
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapSnapshotEndpoints();
        app.MapHistoryEndpoints();
        app.MapDeadLetterEndpoints();
        app.MapAlertEndpoints();
        app.MapRegistryEndpoints();
        app.MapReportEndpoints();
        app.MapMeEndpoints();
        app.MapLoginEndpoints();
        app.MapHub<MonitorHub>(MonitorHub.Path);
        app.MapOutputMonitorDashboard();
        app.Lifetime.ApplicationStarted.Register(() => PrintDashboardAddresses(app));
        return app;
    }

    /// <summary>Where to point a browser, printed once the web app listens.</summary>
    private static void PrintDashboardAddresses(WebApplication app)
    {
        var addresses = app.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OutputMonitor.Web");
        var demoKey = app.Services.GetService<DemoAdminKey>()?.Key;
        foreach (var address in addresses)
        {
            var root = address.TrimEnd('/');
            LogDashboards(logger, root);
            if (demoKey is not null)
            {
                LogDemoKey(logger, root, demoKey);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No Auth:ApiKeys configured: this run's demo admin key opens {Address}/alerts.html#key={Key} (acknowledge alerts, change the registry); configure Auth:ApiKeys to use your own")]
    private static partial void LogDemoKey(ILogger logger, string address, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboards: {Address}/")]
    private static partial void LogDashboards(ILogger logger, string address);
}
