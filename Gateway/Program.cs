using Microsoft.Extensions.Hosting;
using OutputMonitor.Gateway;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Health;
using OutputMonitor.Silo.Telemetry;

var builder = Host.CreateApplicationBuilder(args);
builder.AddOutputMonitorClient();
builder.AddOutputMonitorGateway();
builder.AddOutputMonitorTelemetry("outputmonitor-gateway").WithScrapeListener(builder.Configuration);
builder.AddHealthListener();
builder.Build().Run();
