using Microsoft.Extensions.Hosting;
using OutputMonitor.Simulator;

// dotnet run --project Gateway/Simulator -- --Simulator:Port=1883 [--Simulator:MessagesPerSecond=20000 ...]
// dotnet run --project Gateway/Simulator -- --write-registry FILE --Simulator:SyntheticLines=10000
if (WriteRegistryCommand.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var builder = Host.CreateApplicationBuilder(args);
builder.AddOutputMonitorSimulator();
await builder.Build().RunAsync();
return 0;
