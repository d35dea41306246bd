using System.Runtime.CompilerServices;

namespace CollapseLab.Families.NGram;

/// <summary>
/// An open-addressing hash map from a pair of non-negative ints (packed as hi·2³² + lo in one ulong) to an int,
/// with linear probing at load ≤ 1/2. Key and value share a slot, so a lookup costs one cache miss. Used for
/// (context id, older token) → context id: no per-entry objects, no strings.
/// </summary>
public sealed class PackedIndex
{
    private const ulong Empty = ulong.MaxValue;

    private Entry[] _slots;
    private int _shift;

    private struct Entry
    {
        public ulong Key;
        public int Value;
    }

    public PackedIndex(int capacity = 1024)
    {
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }
        _slots = NewSlots(size);
        _shift = 64 - int.Log2(size);
    }

    public int Count { get; private set; }

    private static Entry[] NewSlots(int size)
    {
        var slots = GC.AllocateUninitializedArray<Entry>(size);
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i].Key = Empty;
        }
        return slots;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(int hi, int lo) => ((ulong)(uint)hi << 32) | (uint)lo;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>The value stored for (hi, lo), or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(int hi, int lo)
    {
        var key = Key(hi, lo);
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            var k = slots[i].Key;
            if (k == key)
            {
                return slots[i].Value;
            }
            if (k == Empty)
            {
                return -1;
            }
        }
    }

    /// <summary>Stores <paramref name="value"/> for (hi, lo), which must not be present yet.</summary>
    public void Add(int hi, int lo, int value)
    {
        if (Count * 2 >= _slots.Length)
        {
            Grow();
        }
        var key = Key(hi, lo);
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = Home(key);
        while (slots[i].Key != Empty)
        {
            i = (i + 1) & mask;
        }
        slots[i].Key = key;
        slots[i].Value = value;
        Count++;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = NewSlots(old.Length * 2);
        _shift--;
        var mask = _slots.Length - 1;
        foreach (var s in old)
        {
            if (s.Key == Empty)
            {
                continue;
            }
            var i = Home(s.Key);
            while (_slots[i].Key != Empty)
            {
                i = (i + 1) & mask;
            }
            _slots[i] = s;
        }
    }
}
