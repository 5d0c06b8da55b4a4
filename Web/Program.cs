using OutputMonitor.Web.Hosting;

if (HashPasswordCommand.TryRun(args, out var exitCode))
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddOutputMonitorWeb();

var app = builder.Build();
app.MapOutputMonitorWeb();
app.Run();
return 0;
