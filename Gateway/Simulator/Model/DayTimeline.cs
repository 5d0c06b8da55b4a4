namespace OutputMonitor.Simulator.Model;

/// <summary>A stretch of one state, [StartMs, EndMs).</summary>
public readonly record struct Segment(long StartMs, long EndMs, LineState State, string? Reason);

/// <summary>
/// One plant day of one line: its shifts, handovers and stops as contiguous state segments, and the
/// day's performance and scrap ratio. Built from (seed, line, day) alone. Stops always lie inside a
/// running stretch, so the day has exactly <c>BaseStateMessages + 2 × stops</c> state changes: that
/// keeps the state channel's <c>seq</c> contiguous across days without simulating the past.
/// </summary>
public sealed class DayTimeline
{
    public const double RampFloor = 0.4;
    private const long Minute = 60_000;
    private const long Hour = 60 * Minute;

    private DayTimeline(DateOnly day, long startMs, long endMs, IReadOnlyList<Segment> segments, double performance, double scrapRatio)
    {
        Day = day;
        StartMs = startMs;
        EndMs = endMs;
        Segments = segments;
        Performance = performance;
        ScrapRatio = scrapRatio;
    }

    public DateOnly Day { get; }

    public long StartMs { get; }

    public long EndMs { get; }

    public IReadOnlyList<Segment> Segments { get; }

    /// <summary>The fraction of the ideal rate the line reaches once ramped up (0.80–0.98).</summary>
    public double Performance { get; }

    public double ScrapRatio { get; }

    /// <summary>The first plant day the simulation counts sequence numbers from.</summary>
    public static readonly DateOnly Epoch = new(2020, 1, 1);

    public static int DayNumber(DateOnly day) => day.DayNumber - Epoch.DayNumber;

    public static int StopCount(LineProfile profile, SimLine line, int seed, DateOnly day) =>
        profile.MaxStops == 0 ? 0 : SimRandom.At(seed, line.KeyHash, Salt.StopCount, DayNumber(day)).Between(profile.MinStops, profile.MaxStops);

    public static int StateMessages(LineProfile profile, SimLine line, int seed, DateOnly day) =>
        profile.BaseStateMessages + (2 * StopCount(profile, line, seed, day));

    public static DayTimeline Build(LineProfile profile, SimLine line, int seed, DateOnly day)
    {
        var (start, end) = line.DayBounds(day);
        var rng = SimRandom.At(seed, line.KeyHash, Salt.Day, DayNumber(day));
        var performance = Math.Clamp(profile.BasePerformance + (0.025 * rng.NextGaussian()), 0.80, 0.98);
        var scrap = Math.Clamp(profile.BaseScrap * (1 + (0.3 * rng.NextGaussian())), 0.005, 0.03);

        long At(double hours) => Math.Min(end, start + (long)(hours * Hour));
        long Minutes(double from, double to, ref SimRandom r) => (long)Math.Round(r.Range(from, to) * 60) * 1000;

        // Boundaries: where a state starts. Windows: running stretches where stops may go.
        var marks = new List<(long At, LineState State, string? Reason)>();
        var windows = new List<(long From, long To)>();
        switch (profile.Pattern)
        {
            case ShiftPattern.ThreeShift:
                for (var shift = 0; shift < 3; shift++)
                {
                    var shiftStart = At(8 * shift);
                    var running = shiftStart + Minutes(8, 20, ref rng);
                    marks.Add((shiftStart, LineState.Idle, "交接班 shift handover"));
                    marks.Add((running, LineState.Running, null));
                    windows.Add((running + (20 * Minute), At(8 * (shift + 1)) - (10 * Minute)));
                }

                break;
            case ShiftPattern.TwoShift:
                marks.Add((start, LineState.Maintenance, "计划停机 no night shift"));
                for (var shift = 0; shift < 2; shift++)
                {
                    var shiftStart = At(7 + (8 * shift));
                    var running = shiftStart + Minutes(8, 20, ref rng);
                    marks.Add((shiftStart, LineState.Idle, shift == 0 ? "开班点检 start-of-shift checks" : "交接班 shift handover"));
                    marks.Add((running, LineState.Running, null));
                    windows.Add((running + (20 * Minute), At(15 + (8 * shift)) - (10 * Minute)));
                }

                marks.Add((At(23), LineState.Maintenance, "计划停机 no night shift"));
                break;
            default:
                marks.Add((start, LineState.Running, null));
                windows.Add((start + (20 * Minute), end - (20 * Minute)));
                break;
        }

        var stops = StopCount(profile, line, seed, day);
        var perWindow = new int[windows.Count];
        var first = rng.Between(0, windows.Count - 1);
        for (var i = 0; i < stops; i++)
        {
            perWindow[(first + i) % windows.Count]++;
        }

        for (var w = 0; w < windows.Count; w++)
        {
            var (from, to) = windows[w];
            var length = (to - from) / Math.Max(1, perWindow[w]);
            for (var i = 0; i < perWindow[w]; i++)
            {
                var reason = PickReason(profile.Reasons, ref rng);
                var u = rng.NextDouble();
                var minutes = reason.MinMinutes + ((reason.MaxMinutes - reason.MinMinutes) * u * u);
                var duration = Math.Min((long)Math.Round(minutes * 60) * 1000, length - (20 * Minute));
                var slack = length - duration - (20 * Minute);
                var stopStart = from + (i * length) + (10 * Minute) + ((long)(rng.NextDouble() * slack / 1000) * 1000);
                marks.Add((stopStart, reason.State, reason.Text));
                marks.Add((stopStart + duration, LineState.Running, null));
            }
        }

        marks.Sort((a, b) => a.At.CompareTo(b.At));
        var segments = new Segment[marks.Count];
        for (var i = 0; i < marks.Count; i++)
        {
            var segmentEnd = i + 1 < marks.Count ? marks[i + 1].At : end;
            segments[i] = new Segment(marks[i].At, segmentEnd, marks[i].State, marks[i].Reason);
        }

        return new DayTimeline(day, start, end, segments, performance, scrap);
    }

    /// <summary>The segment containing <paramref name="ms"/> (clamped to the day).</summary>
    public Segment At(long ms)
    {
        for (var i = Segments.Count - 1; i > 0; i--)
        {
            if (Segments[i].StartMs <= ms)
            {
                return Segments[i];
            }
        }

        return Segments[0];
    }

    /// <summary>The line's speed at <paramref name="ms"/> as a fraction of the ideal rate: 0 unless running, ramping up after a start.</summary>
    public double RateAt(long ms, double rampMs)
    {
        var segment = At(ms);
        return segment.State != LineState.Running ? 0 : Performance * Math.Min(1, RampFloor + ((1 - RampFloor) * (ms - segment.StartMs) / rampMs));
    }

    /// <summary>
    /// ∫ ramp over the running parts of [from, to), in milliseconds at full rate: the ramp rises
    /// linearly from <see cref="RampFloor"/> to 1 over <paramref name="rampMs"/> after every start.
    /// </summary>
    public double RunningIntegral(long from, long to, double rampMs)
    {
        var total = 0.0;
        foreach (var segment in Segments)
        {
            if (segment.State != LineState.Running || segment.EndMs <= from || segment.StartMs >= to)
            {
                continue;
            }

            double s = segment.StartMs, a = Math.Max(from, segment.StartMs), b = Math.Min(to, segment.EndMs);
            var rampEnd = s + rampMs;
            if (a < rampEnd)
            {
                var y = Math.Min(b, rampEnd);
                total += (RampFloor * (y - a)) + ((1 - RampFloor) / (2 * rampMs) * (((y - s) * (y - s)) - ((a - s) * (a - s))));
            }

            if (b > rampEnd)
            {
                total += b - Math.Max(a, rampEnd);
            }
        }

        return total;
    }

    public long RunningMs => Segments.Where(s => s.State == LineState.Running).Sum(s => s.EndMs - s.StartMs);

    /// <summary>The instant by which a fraction <paramref name="quantile"/> of the day's running time has passed.</summary>
    public long AtRunningQuantile(double quantile)
    {
        var target = (long)(quantile * RunningMs);
        foreach (var segment in Segments)
        {
            if (segment.State != LineState.Running)
            {
                continue;
            }

            var length = segment.EndMs - segment.StartMs;
            if (target < length)
            {
                return segment.StartMs + target;
            }

            target -= length;
        }

        return EndMs - 1;
    }

    private static StopReason PickReason(IReadOnlyList<StopReason> reasons, ref SimRandom rng)
    {
        var pick = rng.NextDouble() * reasons.Sum(r => r.Weight);
        foreach (var reason in reasons)
        {
            pick -= reason.Weight;
            if (pick < 0)
            {
                return reason;
            }
        }

        return reasons[^1];
    }
}
