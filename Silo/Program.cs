using Microsoft.Extensions.Hosting;
using OutputMonitor.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.AddOutputMonitorSilo();
builder.Build().Run();
