using OutputMonitor.Lines;

namespace OutputMonitor.Tests.Units;

/// <summary>The dedupe index against <see cref="HashSet{T}"/> as the reference, in random and adversarial orders.</summary>
public class HashIdSetTests
{
    [Theory]
    [InlineData(1, false, 200_000)]
    [InlineData(2, true, 20_000)]
    [InlineData(3, true, 20_000)]
    public void Random_adds_and_removes_agree_with_a_hash_set(int seed, bool clustered, int steps)
    {
        var random = new Random(seed);
        var set = new HashIdSet();
        var reference = new HashSet<ulong>();
        var present = new List<ulong>();

        // Clustered values share their low bits, so they collide into long probe runs and every
        // removal has to shift entries back across them.
        ulong Next() => clustered ? ((ulong)random.Next(0, 4096) << 32) | (uint)random.Next(0, 1024) : (ulong)random.NextInt64();

        for (var step = 0; step < steps; step++)
        {
            if (present.Count > 0 && random.Next(3) == 0)
            {
                var index = random.Next(present.Count);
                var value = present[index];
                present[index] = present[^1];
                present.RemoveAt(present.Count - 1);
                set.Remove(value);
                reference.Remove(value);
                Assert.False(set.Contains(value));
            }
            else
            {
                var value = Next();
                var added = set.Add(value);
                Assert.Equal(reference.Add(value), added);
                if (added)
                {
                    present.Add(value);
                }
            }

            if (step % 5_000 == 0)
            {
                set.TrimExcess();
            }
        }

        Assert.Equal(reference.Count, set.Count);
        Assert.All(reference, value => Assert.True(set.Contains(value)));
        for (var i = 0; i < 5_000; i++)
        {
            var value = Next();
            Assert.Equal(reference.Contains(value), set.Contains(value));
        }
    }

    [Fact]
    public void Zero_is_an_id_like_any_other()
    {
        var set = new HashIdSet();

        Assert.True(set.Add(0));
        Assert.False(set.Add(0));
        Assert.True(set.Contains(0));
        set.Remove(0);
        Assert.False(set.Contains(0));
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void Emptied_sets_give_their_memory_back_and_still_work()
    {
        var set = new HashIdSet();
        for (ulong i = 1; i <= 100_000; i++)
        {
            set.Add(i * 0x9E3779B97F4A7C15);
        }

        for (ulong i = 1; i <= 99_990; i++)
        {
            set.Remove(i * 0x9E3779B97F4A7C15);
        }

        set.TrimExcess();

        Assert.Equal(10, set.Count);
        for (ulong i = 99_991; i <= 100_000; i++)
        {
            Assert.True(set.Contains(i * 0x9E3779B97F4A7C15));
        }

        Assert.False(set.Contains(0x9E3779B97F4A7C15));
    }
}
