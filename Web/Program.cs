using OutputMonitor.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOutputMonitorWeb();

var app = builder.Build();
app.MapOutputMonitorWeb();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
