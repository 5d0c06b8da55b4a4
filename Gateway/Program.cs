using Microsoft.Extensions.Hosting;
using OutputMonitor.Gateway;

var builder = Host.CreateApplicationBuilder(args);
builder.AddOutputMonitorClient();
builder.AddOutputMonitorGateway();
builder.Build().Run();
