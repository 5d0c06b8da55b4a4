namespace OutputMonitor.Simulator.Model;

/// <summary>
/// A small deterministic random stream (SplitMix64). Streams are addressed by (seed, line, purpose,
/// index), so any day, tick or vessel of any line can be generated on its own, in any order, and
/// always comes out the same: the simulation is a pure function of the registry, the seed and time.
/// </summary>
public struct SimRandom
{
    private ulong _state;

    public SimRandom(ulong state) => _state = state;

    /// <summary>The stream for one purpose (<paramref name="salt"/>) and index (a day, a tick, a month) of one line.</summary>
    public static SimRandom At(int seed, ulong key, Salt salt, long index) =>
        new(Mix(Mix(Mix(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ key) + (ulong)salt) + (ulong)index));

    /// <summary>A stable 64-bit hash of a string (FNV-1a over UTF-16 code units; string.GetHashCode is randomized per process).</summary>
    public static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Range(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Uniform integer in [min, max].</summary>
    public int Between(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min + 1));

    /// <summary>Roughly normal (mean 0, sd 1), bounded to ±3.</summary>
    public double NextGaussian()
    {
        var sum = 0.0;
        for (var i = 0; i < 6; i++)
        {
            sum += NextDouble();
        }

        return (sum - 3) * Math.Sqrt(2);
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[(int)(NextUInt64() % (ulong)items.Count)];

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The purposes random streams are drawn for; each gets its own stream.</summary>
public enum Salt
{
    Profile = 1,
    Day = 2,
    StopCount = 3,
    OutputTick = 4,
    SensorTick = 5,
    ShipmentCount = 6,
    ShipmentDay = 7,
    VesselMonth = 8,
    Load = 9,
    ScrapPhase = 10,
}
