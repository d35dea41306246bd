using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace CollapseLab.Families.NGram;

/// <summary>
/// An open-addressing hash map from a pair of non-negative ints (packed as hi·2³² + lo in one ulong) to an int,
/// with linear probing at load ≤ 1/2. Key and value share a slot, so a lookup costs one cache miss. Used for
/// (context id, token) → id or count: no per-entry objects, no strings.
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

    /// <summary>Asks the CPU to start loading the slot where (hi, lo) would be, so that a later lookup does not wait.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int hi, int lo)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[Home(Key(hi, lo))]));
        }
    }

    /// <summary>The value for (hi, lo); when absent, stores <paramref name="next"/> and reports it was added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(int hi, int lo, int next, out bool added)
    {
        ref var value = ref Slot(hi, lo, next, out added);
        return value;
    }

    /// <summary>A reference to the value of (hi, lo), stored as <paramref name="initial"/> when absent (e.g. to count).</summary>
    public ref int Slot(int hi, int lo, int initial, out bool added)
    {
        if (Count * 2 >= _slots.Length)
        {
            Grow();
        }
        var key = Key(hi, lo);
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            var k = slots[i].Key;
            if (k == key)
            {
                added = false;
                return ref slots[i].Value;
            }
            if (k == Empty)
            {
                slots[i].Key = key;
                slots[i].Value = initial;
                Count++;
                added = true;
                return ref slots[i].Value;
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/>(hi, lo, value) for every stored pair, in slot order.</summary>
    public void ForEach(Action<int, int, int> visit)
    {
        foreach (var s in _slots)
        {
            if (s.Key != Empty)
            {
                visit((int)(s.Key >> 32), (int)(uint)s.Key, s.Value);
            }
        }
    }

    /// <summary>Replaces every stored value by <paramref name="map"/>(hi, lo, value).</summary>
    public void Remap(Func<int, int, int, int> map)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            var key = _slots[i].Key;
            if (key != Empty)
            {
                _slots[i].Value = map((int)(key >> 32), (int)(uint)key, _slots[i].Value);
            }
        }
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
