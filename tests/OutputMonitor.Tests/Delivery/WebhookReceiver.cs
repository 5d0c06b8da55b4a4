using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OutputMonitor.Tests.Delivery;

/// <summary>One POST a webhook received.</summary>
public sealed record WebhookRequest(string? ContentType, string Body)
{
    public string AlertId => SampleAlerts.Field(Body, "id");
}

/// <summary>
/// A webhook on Kestrel at <c>http://127.0.0.1:{free port}/hooks/alerts</c>: records each POST in
/// arrival order and answers with the scripted status codes, then 200. A hanging receiver answers
/// nothing until <see cref="Release"/>.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;
    private readonly Channel<WebhookRequest> _arrivals = Channel.CreateUnbounded<WebhookRequest>();
    private readonly List<WebhookRequest> _requests = [];
    private readonly ConcurrentQueue<int> _answers;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(bool hangs, int[] answers)
    {
        _answers = new ConcurrentQueue<int>(answers);
        if (!hangs)
        {
            _released.SetResult();
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/hooks/alerts", HandleAsync);
    }

    /// <summary>Where to POST (set once started).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<WebhookRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A receiver that answers its first requests with <paramref name="answers"/>, then 200.</summary>
    public static Task<WebhookReceiver> StartAsync(params int[] answers) => new WebhookReceiver(false, answers).StartAsync();

    /// <summary>A receiver that answers no request until <see cref="Release"/>.</summary>
    public static Task<WebhookReceiver> StartHangingAsync() => new WebhookReceiver(true, []).StartAsync();

    /// <summary>The waiting requests are answered now, and every later one at once.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>The next request to arrive (each is returned once).</summary>
    public async Task<WebhookRequest> NextAsync() => await _arrivals.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.DisposeAsync();
    }

    private async Task<WebhookReceiver> StartAsync()
    {
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Url = $"{address}/hooks/alerts";
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = new WebhookRequest(context.Request.ContentType, await reader.ReadToEndAsync());
        lock (_requests)
        {
            _requests.Add(request);
        }

        _arrivals.Writer.TryWrite(request);
        await _released.Task.WaitAsync(context.RequestAborted);
        context.Response.StatusCode = _answers.TryDequeue(out var status) ? status : StatusCodes.Status200OK;
    }
}
