using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OutputMonitor.Silo.Alerts;

/// <summary>Where alert changes go beyond the cluster (configuration section <c>Alerts</c>, shared with the rules' <see cref="AlertRuleOptions"/>).</summary>
public sealed class AlertDeliveryOptions
{
    public const string Section = "Alerts";

    /// <summary>Absolute http or https URLs; each is POSTed every alert change as JSON (spec/api.md: <c>Alerts:Webhooks</c>).</summary>
    public List<string> Webhooks { get; set; } = [];

    /// <summary>Publish every change to <c>om/v1/alerts/…</c> on the broker of <c>Mqtt:*</c>.</summary>
    public bool PublishMqtt { get; set; } = true;

    /// <summary>
    /// Changes waiting per destination (the broker, each webhook). A destination that stays down
    /// fills its queue; then the oldest change is dropped (counted in <c>om.alerts.dropped</c>, logged).
    /// </summary>
    [Range(1, 1_000_000)]
    public int QueueLimit { get; set; } = 10_000;

    /// <summary>How long a webhook may take to answer one POST before the attempt counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after a webhook's first failed attempt; it doubles after each further one.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan WebhookMaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts per change and webhook, the first included; after the last the change is given up (logged, <c>om.alerts.failed</c>).</summary>
    [Range(1, 100)]
    public int WebhookMaxAttempts { get; set; } = 10;

    /// <summary>The wait after <paramref name="failedAttempts"/> failed attempts: the first delay doubled each time, at most the longest.</summary>
    public TimeSpan RetryDelay(int failedAttempts) =>
        TimeSpan.FromTicks((long)Math.Min(WebhookRetryDelay.Ticks * Math.Pow(2, failedAttempts - 1), WebhookMaxRetryDelay.Ticks));
}

/// <summary>Refuses to start with a webhook that is not an absolute http or https URL, naming the entry.</summary>
internal sealed class AlertDeliveryOptionsValidator : IValidateOptions<AlertDeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertDeliveryOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Webhooks.Count; i++)
        {
            var entry = options.Webhooks[i];
            var key = $"{AlertDeliveryOptions.Section}:{nameof(AlertDeliveryOptions.Webhooks)}:{i}";
            if (string.IsNullOrWhiteSpace(entry))
            {
                errors.Add($"{key} is empty: a webhook is an absolute http or https URL");
            }
            else if (!IsWebhookUrl(entry))
            {
                // (On Unix a rooted path parses as an absolute file: URI, hence the scheme check.)
                errors.Add($"{key} '{entry}' is not an absolute http or https URL");
            }
            else if (options.Webhooks.IndexOf(entry) < i)
            {
                errors.Add($"{key} '{entry}' is listed twice: it would receive every change twice");
            }
        }

        if (options.WebhookMaxRetryDelay < options.WebhookRetryDelay)
        {
            errors.Add($"{AlertDeliveryOptions.Section}:{nameof(AlertDeliveryOptions.WebhookMaxRetryDelay)} is shorter than {AlertDeliveryOptions.Section}:{nameof(AlertDeliveryOptions.WebhookRetryDelay)}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsWebhookUrl(string entry) =>
        Uri.TryCreate(entry, UriKind.Absolute, out var url)
        && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
        && url.Host.Length > 0;
}
