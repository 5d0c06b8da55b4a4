using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace OutputMonitor.Silo.Alerts;

/// <summary>
/// Alert changes POSTed as JSON to one webhook, in order. An attempt fails on a non-2xx answer, an
/// error or no answer within <c>Alerts:WebhookTimeout</c>; it is tried again after a wait that
/// doubles from <c>Alerts:WebhookRetryDelay</c> up to <c>Alerts:WebhookMaxRetryDelay</c>, until
/// <c>Alerts:WebhookMaxAttempts</c>; then the change is given up and the next one goes. Waits and
/// timeouts run on the <see cref="TimeProvider"/>, so tests can drive them.
/// </summary>
internal sealed partial class WebhookOutbox(
    int index, Uri url, IHttpClientFactory http, AlertDeliveryOptions options, AlertDeliveryStatus status, TimeProvider time, ILogger<WebhookOutbox> logger)
    : AlertOutbox(TargetName(index), options.QueueLimit, status, logger)
{
    /// <summary>The named client of <see cref="IHttpClientFactory"/> every webhook uses.</summary>
    public const string HttpClientName = "OutputMonitor.AlertWebhooks";

    // Logged without query or user info, which may hold a secret.
    private readonly string _where = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    public static string TargetName(int index) => $"webhook[{index}]";

    protected override async Task DeliverAsync(AlertChange change, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            var failure = await TryPostAsync(change, stopping);
            if (failure is null)
            {
                Counts.AddDelivered();
                return;
            }

            if (attempt >= options.WebhookMaxAttempts)
            {
                Counts.AddFailed();
                LogGaveUp(Logger, Target, _where, change.Alert.Id, attempt, failure);
                return;
            }

            var delay = options.RetryDelay(attempt);
            Counts.AddRetry();
            LogRetrying(Logger, Target, _where, change.Alert.Id, attempt, failure, delay);
            await Task.Delay(delay, time, stopping);
        }
    }

    /// <summary>Null when the webhook took the change (a 2xx answer); otherwise why not.</summary>
    private async Task<string?> TryPostAsync(AlertChange change, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(options.WebhookTimeout, time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        using var content = new ByteArrayContent(change.Json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return $"no answer within {options.WebhookTimeout.TotalSeconds:0.###} s";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert webhook {Target} ({Url}) did not take alert {AlertId} (attempt {Attempt}: {Failure}); trying again in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string target, string url, string alertId, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert webhook {Target} ({Url}) did not take alert {AlertId} after {Attempts} attempts (last: {Failure}); given up")]
    private static partial void LogGaveUp(ILogger logger, string target, string url, string alertId, int attempts, string failure);
}
