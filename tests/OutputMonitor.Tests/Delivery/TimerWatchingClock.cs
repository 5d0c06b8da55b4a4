using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace OutputMonitor.Tests.Delivery;

/// <summary>
/// A fake clock that tells which timers are set on it: a test waits until the code under test is
/// waiting for a given delay, then advances exactly that much. No sleeps, and no race between the
/// advance and the wait.
/// </summary>
public sealed class TimerWatchingClock : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer due in <paramref name="dueTime"/> is set; timers of other delays set meanwhile are passed over.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var deadline = new CancellationTokenSource(WebhookReceiver.Timeout);
        while (await _timers.Reader.ReadAsync(deadline.Token) != dueTime)
        {
        }
    }
}
