using OutputMonitor.Silo.Alerts;

namespace OutputMonitor.Tests.Delivery;

/// <summary>Webhooks on a fake clock: backoff, timeouts, giving up, order, the bounded queue.</summary>
public sealed class WebhookRetryTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_webhook_failing_twice_is_retried_after_1_then_2_seconds_and_takes_each_change_once_in_order()
    {
        await using var webhook = await WebhookReceiver.StartAsync(500, 500);
        await using var delivery = await DeliveryHost.StartAsync(Settings(webhook.Url));

        delivery.Dispatcher.Dispatch([SampleAlerts.Raised("ent-1.p1.down.1")]);
        delivery.Dispatcher.Dispatch([SampleAlerts.Raised("ent-1.p1.down.2")]);

        Assert.Equal("ent-1.p1.down.1", (await webhook.NextAsync()).AlertId);
        await delivery.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        Assert.Single(webhook.Requests);
        delivery.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ent-1.p1.down.1", (await webhook.NextAsync()).AlertId);
        await delivery.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        delivery.Clock.Advance(TimeSpan.FromSeconds(2));
        var taken = await webhook.NextAsync();
        var next = await webhook.NextAsync();

        Assert.Equal(("ent-1.p1.down.1", "ent-1.p1.down.2"), (taken.AlertId, next.AlertId));
        var counts = delivery.Status.For(WebhookOutbox.TargetName(0));
        await Support.Eventually.HoldsAsync(() => counts.Delivered == 2, WebhookReceiver.Timeout, "both changes delivered");
        Assert.Equal((2L, 0L, 0L), (counts.Retries, counts.Failed, counts.Dropped));
        Assert.Equal(4, webhook.Requests.Count);
        Assert.All(webhook.Requests, r => Assert.Equal("application/json; charset=utf-8", r.ContentType));
    }

    [Fact]
    public async Task A_webhook_that_does_not_answer_within_the_timeout_is_tried_again()
    {
        await using var webhook = await WebhookReceiver.StartHangingAsync();
        await using var delivery = await DeliveryHost.StartAsync(Settings(webhook.Url));

        delivery.Dispatcher.Dispatch([SampleAlerts.Raised("ent-1.p1.stale.1")]);
        await webhook.NextAsync();
        // The attempt's timeout is set before the request goes out.
        delivery.Clock.Advance(AttemptTimeout);
        await delivery.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        webhook.Release();
        delivery.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("ent-1.p1.stale.1", (await webhook.NextAsync()).AlertId);
        var counts = delivery.Status.For(WebhookOutbox.TargetName(0));
        await Support.Eventually.HoldsAsync(() => counts.Delivered == 1, WebhookReceiver.Timeout, "the change delivered");
        Assert.Equal(1, counts.Retries);
    }

    [Fact]
    public async Task After_the_last_attempt_a_change_is_given_up_and_the_next_one_goes()
    {
        await using var webhook = await WebhookReceiver.StartAsync(503, 503);
        await using var delivery = await DeliveryHost.StartAsync(Settings(webhook.Url, ("Alerts:WebhookMaxAttempts", "2")));

        delivery.Dispatcher.Dispatch([SampleAlerts.Raised("ent-1.p1.down.1"), SampleAlerts.Raised("ent-1.p1.down.2")]);
        await webhook.NextAsync();
        await delivery.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        delivery.Clock.Advance(TimeSpan.FromSeconds(1));
        await webhook.NextAsync();

        Assert.Equal("ent-1.p1.down.2", (await webhook.NextAsync()).AlertId);
        var counts = delivery.Status.For(WebhookOutbox.TargetName(0));
        await Support.Eventually.HoldsAsync(() => counts.Delivered == 1, WebhookReceiver.Timeout, "the second change delivered");
        Assert.Equal((1L, 1L), (counts.Failed, counts.Retries));
        Assert.Equal(["ent-1.p1.down.1", "ent-1.p1.down.1", "ent-1.p1.down.2"], webhook.Requests.Select(r => r.AlertId));
    }

    [Fact]
    public async Task A_full_queue_drops_the_oldest_changes_and_counts_them()
    {
        await using var webhook = await WebhookReceiver.StartHangingAsync();
        await using var delivery = await DeliveryHost.StartAsync(Settings(webhook.Url, ("Alerts:QueueLimit", "2")));
        delivery.Dispatcher.Dispatch([SampleAlerts.Raised("ent-1.p1.down.1")]);
        await webhook.NextAsync();

        // One in flight, two queued: of 2…5 the oldest two make room.
        delivery.Dispatcher.Dispatch([.. Enumerable.Range(2, 4).Select(i => SampleAlerts.Raised($"ent-1.p1.down.{i}"))]);

        var counts = delivery.Status.For(WebhookOutbox.TargetName(0));
        Assert.Equal(2, counts.Dropped);
        webhook.Release();
        await Support.Eventually.HoldsAsync(() => counts.Delivered == 3, WebhookReceiver.Timeout, "the kept changes delivered");
        Assert.Equal(["ent-1.p1.down.1", "ent-1.p1.down.4", "ent-1.p1.down.5"], webhook.Requests.Select(r => r.AlertId));
    }

    [Fact]
    public void The_retry_delay_doubles_from_1_second_to_at_most_5_minutes()
    {
        var options = new AlertDeliveryOptions();

        Assert.Equal(
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300],
            Enumerable.Range(1, 11).Select(failed => options.RetryDelay(failed).TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(5), options.RetryDelay(1000));
        Assert.Equal((10, TimeSpan.FromSeconds(10), 10_000), (options.WebhookMaxAttempts, options.WebhookTimeout, options.QueueLimit));
    }

    private static Dictionary<string, string?> Settings(string webhook, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alerts:PublishMqtt"] = "false",
            ["Alerts:Webhooks:0"] = webhook,
            ["Alerts:WebhookTimeout"] = AttemptTimeout.ToString(),
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
