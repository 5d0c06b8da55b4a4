using Microsoft.Extensions.Hosting;
using OutputMonitor.Gateway;
using OutputMonitor.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.AddOutputMonitorClient();
builder.AddOutputMonitorGateway();
builder.Build().Run();
