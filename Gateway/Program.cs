using Microsoft.Extensions.Hosting;
using OutputMonitor.Gateway;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Health;
using OutputMonitor.Silo.Telemetry;

// dotnet run --project Gateway -- mosquitto-files --out DIR: the Mosquitto password and ACL files of Mqtt:Devices.
if (MosquittoFilesCommand.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var builder = Host.CreateApplicationBuilder(args);
builder.AddOutputMonitorClient();
builder.AddOutputMonitorGateway();
builder.AddOutputMonitorTelemetry("outputmonitor-gateway").WithScrapeListener(builder.Configuration);
builder.AddHealthListener();
await builder.Build().RunAsync();
return 0;
