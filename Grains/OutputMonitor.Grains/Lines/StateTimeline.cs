using OutputMonitor.Telemetry;

namespace OutputMonitor.Lines;

/// <summary>
/// A line's state changes ordered by event time, so that late or out-of-order state messages still
/// give the right time in each state. Bounded: changes older than the retention are folded away.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("om.StateTimeline")]
public sealed class StateTimeline
{
    public const int MaxChanges = 20_000;

    [Id(0)] public List<StateChange> Changes { get; init; } = [];

    /// <summary>The state with the newest event time, and when it began.</summary>
    public StateChange? Current => Changes.Count == 0 ? null : Changes[^1];

    public void Add(long timestamp, LineState state)
    {
        var change = new StateChange(timestamp, state);
        var index = Changes.BinarySearch(change, StateChange.ByTime);
        if (index >= 0)
        {
            // Two changes at the same instant: the later message wins.
            Changes[index] = change;
            return;
        }

        Changes.Insert(~index, change);
    }

    /// <summary>The state in force at <paramref name="timestamp"/> (Unknown before the first change).</summary>
    public LineState StateAt(long timestamp)
    {
        var index = Changes.BinarySearch(new StateChange(timestamp, LineState.Unknown), StateChange.ByTime);
        if (index >= 0)
        {
            return Changes[index].State;
        }

        var before = ~index - 1;
        return before >= 0 ? Changes[before].State : LineState.Unknown;
    }

    /// <summary>Seconds spent in each state within [from, to).</summary>
    public Dictionary<LineState, double> Durations(long from, long to)
    {
        var result = new Dictionary<LineState, double>();
        if (to <= from)
        {
            return result;
        }

        var state = StateAt(from);
        var since = from;
        foreach (var change in Changes)
        {
            if (change.Timestamp <= from)
            {
                continue;
            }

            if (change.Timestamp >= to)
            {
                break;
            }

            Add(result, state, change.Timestamp - since);
            state = change.State;
            since = change.Timestamp;
        }

        Add(result, state, to - since);
        return result;

        static void Add(Dictionary<LineState, double> result, LineState state, long milliseconds) =>
            result[state] = result.GetValueOrDefault(state) + milliseconds / 1000.0;
    }

    /// <summary>Keeps the changes after <paramref name="before"/> and the one in force at it; at most <see cref="MaxChanges"/>.</summary>
    public void Prune(long before)
    {
        var firstKept = Changes.FindLastIndex(c => c.Timestamp <= before);
        var drop = Math.Max(firstKept, Changes.Count - MaxChanges);
        if (drop > 0)
        {
            Changes.RemoveRange(0, drop);
        }
    }
}

[GenerateSerializer, Immutable, Alias("om.StateChange")]
public readonly record struct StateChange([property: Id(0)] long Timestamp, [property: Id(1)] LineState State)
{
    public static readonly IComparer<StateChange> ByTime = Comparer<StateChange>.Create((a, b) => a.Timestamp.CompareTo(b.Timestamp));
}
