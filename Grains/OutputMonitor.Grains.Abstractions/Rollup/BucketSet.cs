using OutputMonitor.Snapshots;

namespace OutputMonitor.Rollup;

/// <summary>
/// Figures bucketed by event time at three resolutions: minute and hour buckets keyed by Unix minute
/// and hour (UTC), day buckets keyed by the plant day's <see cref="DateOnly.DayNumber"/>. A scope's
/// history and a child's not-yet-pushed changes are both a bucket set, added with the same code.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.BucketSet")]
public sealed class BucketSet
{
    public const long MillisecondsPerMinute = 60_000;
    public const long MillisecondsPerHour = 3_600_000;

    [Id(0)] public Dictionary<long, Totals> Minutes { get; init; } = [];
    [Id(1)] public Dictionary<long, Totals> Hours { get; init; } = [];
    [Id(2)] public Dictionary<int, Totals> Days { get; init; } = [];

    public static long MinuteOf(long epochMilliseconds) => FloorDivide(epochMilliseconds, MillisecondsPerMinute);

    public static long HourOf(long epochMilliseconds) => FloorDivide(epochMilliseconds, MillisecondsPerHour);

    private static long FloorDivide(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

    public bool IsEmpty => Minutes.Count == 0 && Hours.Count == 0 && Days.Count == 0;

    public void Add(long epochMilliseconds, int dayNumber, Totals totals)
    {
        Accumulate(Minutes, MinuteOf(epochMilliseconds), totals);
        Accumulate(Hours, HourOf(epochMilliseconds), totals);
        Accumulate(Days, dayNumber, totals);
    }

    /// <summary>Adds every bucket of <paramref name="other"/> (negated when <paramref name="negate"/>).</summary>
    public void AddAll(BucketSet other, bool negate = false)
    {
        foreach (var (key, value) in other.Minutes)
        {
            Accumulate(Minutes, key, negate ? -value : value);
        }

        foreach (var (key, value) in other.Hours)
        {
            Accumulate(Hours, key, negate ? -value : value);
        }

        foreach (var (key, value) in other.Days)
        {
            Accumulate(Days, key, negate ? -value : value);
        }
    }

    public BucketSet Clone()
    {
        var copy = new BucketSet();
        copy.AddAll(this);
        return copy;
    }

    public Totals Day(int dayNumber) => Days.GetValueOrDefault(dayNumber);

    /// <summary>The sum of the minute buckets in [fromMinute, toMinute].</summary>
    public Totals SumMinutes(long fromMinute, long toMinute)
    {
        var sum = default(Totals);
        if (toMinute - fromMinute < Minutes.Count)
        {
            for (var minute = fromMinute; minute <= toMinute; minute++)
            {
                sum += Minutes.GetValueOrDefault(minute);
            }
        }
        else
        {
            foreach (var (minute, value) in Minutes)
            {
                if (minute >= fromMinute && minute <= toMinute)
                {
                    sum += value;
                }
            }
        }

        return sum;
    }

    /// <summary>Drops buckets older than the retention: keys below the given minimums.</summary>
    public void Prune(long minMinute, long minHour, int minDay)
    {
        RemoveBelow(Minutes, minMinute);
        RemoveBelow(Hours, minHour);
        RemoveBelow(Days, minDay);
    }

    private static void Accumulate<TKey>(Dictionary<TKey, Totals> buckets, TKey key, Totals value)
        where TKey : notnull
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(buckets, key, out _);
        slot += value;
        if (slot.IsZero)
        {
            // A retraction that cancels a bucket leaves no empty bucket behind.
            buckets.Remove(key);
        }
    }

    private static void RemoveBelow<TKey>(Dictionary<TKey, Totals> buckets, TKey min)
        where TKey : IComparable<TKey>
    {
        foreach (var key in buckets.Keys)
        {
            if (key.CompareTo(min) < 0)
            {
                buckets.Remove(key);
            }
        }
    }
}
