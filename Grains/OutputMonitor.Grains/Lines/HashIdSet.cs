using System.Numerics;

namespace OutputMonitor.Lines;

/// <summary>
/// A set of 64-bit id hashes in one flat array: open addressing, linear probing, deletion by
/// backward shift (no tombstones, so a window that keeps expiring stays as fast as a fresh one).
/// 11–23 bytes per id against ~40 for a <see cref="HashSet{T}"/> of <see cref="ulong"/>, which
/// matters because a busy line remembers every id of the last 24 h.
/// The values are already uniform hashes (XxHash3), so their low bits are the slot.
/// </summary>
internal sealed class HashIdSet
{
    private const int MinCapacity = 16;

    // Zero marks an empty slot; the hash 0 is stored as 1 (one more false match in 2^64).
    private ulong[] _slots;
    private int _mask;

    public HashIdSet(int expected = 0)
    {
        _slots = new ulong[CapacityFor(expected)];
        _mask = _slots.Length - 1;
    }

    public int Count { get; private set; }

    /// <summary>True when the hash was not in the set and now is.</summary>
    public bool Add(ulong hash)
    {
        hash = hash == 0 ? 1 : hash;
        var slot = (int)hash & _mask;
        while (_slots[slot] != 0)
        {
            if (_slots[slot] == hash)
            {
                return false;
            }

            slot = (slot + 1) & _mask;
        }

        _slots[slot] = hash;
        if (++Count > MaxCount(_slots.Length))
        {
            Resize(_slots.Length * 2);
        }

        return true;
    }

    public bool Contains(ulong hash) => Find(hash == 0 ? 1 : hash) >= 0;

    public void Remove(ulong hash)
    {
        var hole = Find(hash == 0 ? 1 : hash);
        if (hole < 0)
        {
            return;
        }

        // Move later entries of the run back into the hole when their home slot allows it,
        // so every entry stays reachable from its home slot without tombstones.
        var slot = hole;
        while (true)
        {
            slot = (slot + 1) & _mask;
            var value = _slots[slot];
            if (value == 0)
            {
                break;
            }

            var home = (int)value & _mask;
            if (((slot - home) & _mask) >= ((slot - hole) & _mask))
            {
                _slots[hole] = value;
                hole = slot;
            }
        }

        _slots[hole] = 0;
        Count--;
    }

    /// <summary>Gives memory back after expiry emptied most of the set.</summary>
    public void TrimExcess()
    {
        var fitting = CapacityFor(Count);
        if (fitting * 4 <= _slots.Length)
        {
            Resize(fitting);
        }
    }

    private int Find(ulong hash)
    {
        var slot = (int)hash & _mask;
        while (_slots[slot] != 0)
        {
            if (_slots[slot] == hash)
            {
                return slot;
            }

            slot = (slot + 1) & _mask;
        }

        return -1;
    }

    private void Resize(int capacity)
    {
        var old = _slots;
        _slots = new ulong[capacity];
        _mask = capacity - 1;
        foreach (var value in old)
        {
            if (value != 0)
            {
                var slot = (int)value & _mask;
                while (_slots[slot] != 0)
                {
                    slot = (slot + 1) & _mask;
                }

                _slots[slot] = value;
            }
        }
    }

    // At most 70 % full: linear probing slows sharply above that.
    private static int MaxCount(int capacity) => capacity / 10 * 7;

    private static int CapacityFor(int count) =>
        (int)Math.Max(MinCapacity, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, (count * 10 / 7) + 1)));
}
