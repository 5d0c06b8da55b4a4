using Microsoft.Extensions.Hosting;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Health;
using OutputMonitor.Silo.Telemetry;

var builder = Host.CreateApplicationBuilder(args);
builder.AddOutputMonitorSilo();
builder.AddOutputMonitorTelemetry("outputmonitor-silo").WithScrapeListener(builder.Configuration);
builder.AddHealthListener();
builder.Build().Run();
