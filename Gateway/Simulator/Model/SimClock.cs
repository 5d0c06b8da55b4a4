namespace OutputMonitor.Simulator.Model;

/// <summary>
/// Time acceleration: from the anchor on, simulated time runs <see cref="Speed"/> times as fast as
/// the real clock. Events are stamped back onto the real clock, so they are never in the future.
/// </summary>
public readonly record struct SimClock(long AnchorMs, double Speed)
{
    public bool IsRealTime => Speed == 1;

    public long ToSimulated(long realMs) => realMs <= AnchorMs || IsRealTime ? realMs : AnchorMs + (long)Math.Floor((realMs - AnchorMs) * Speed);

    public long ToReal(long simulatedMs) => simulatedMs <= AnchorMs || IsRealTime ? simulatedMs : AnchorMs + (long)Math.Floor((simulatedMs - AnchorMs) / Speed);
}
