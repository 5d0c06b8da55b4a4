namespace OutputMonitor.Tests.Support;

/// <summary>
/// The real clock moved to a chosen moment: time flows and timers run as usual, but the day and the
/// hour are the ones a test picked, so that what it shows does not depend on when the suite runs
/// (a plant day that began a minute ago has no data to chart).
/// </summary>
public sealed class ShiftedClock(DateTimeOffset startAt) : TimeProvider
{
    private readonly TimeSpan _offset = startAt - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
