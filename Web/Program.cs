using OutputMonitor.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOutputMonitorWeb();

var app = builder.Build();
app.MapOutputMonitorWeb();
app.Run();
