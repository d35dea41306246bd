using System.Runtime.CompilerServices;

namespace CollapseLab.Families.NGram;

/// <summary>
/// An open-addressing hash map from a pair of non-negative ints (packed as hi·2³² + lo in one ulong) to an int,
/// with linear probing at load ≤ 1/2. Used for (context id, token) → id: no per-entry objects, no strings.
/// </summary>
public sealed class PackedIndex
{
    private const ulong Empty = ulong.MaxValue;

    private ulong[] _keys;
    private int[] _values;
    private int _shift;

    public PackedIndex(int capacity = 1024)
    {
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }
        _keys = new ulong[size];
        Array.Fill(_keys, Empty);
        _values = new int[size];
        _shift = 64 - int.Log2(size);
    }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(int hi, int lo) => ((ulong)(uint)hi << 32) | (uint)lo;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>The value stored for (hi, lo), or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(int hi, int lo)
    {
        var key = Key(hi, lo);
        var mask = _keys.Length - 1;
        for (var i = Slot(key); ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k == key)
            {
                return _values[i];
            }
            if (k == Empty)
            {
                return -1;
            }
        }
    }

    /// <summary>The value for (hi, lo); when absent, stores <paramref name="next"/> and reports it was added.</summary>
    public int GetOrAdd(int hi, int lo, int next, out bool added)
    {
        if (Count * 2 >= _keys.Length)
        {
            Grow();
        }
        var key = Key(hi, lo);
        var mask = _keys.Length - 1;
        for (var i = Slot(key); ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k == key)
            {
                added = false;
                return _values[i];
            }
            if (k == Empty)
            {
                _keys[i] = key;
                _values[i] = next;
                Count++;
                added = true;
                return next;
            }
        }
    }

    /// <summary>Replaces every stored value v by map[v] (after entries are reordered).</summary>
    public void Remap(int[] map)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] != Empty)
            {
                _values[i] = map[_values[i]];
            }
        }
    }

    private void Grow()
    {
        var oldKeys = _keys;
        var oldValues = _values;
        _keys = new ulong[oldKeys.Length * 2];
        Array.Fill(_keys, Empty);
        _values = new int[_keys.Length];
        _shift--;
        var mask = _keys.Length - 1;
        for (var j = 0; j < oldKeys.Length; j++)
        {
            if (oldKeys[j] == Empty)
            {
                continue;
            }
            var i = Slot(oldKeys[j]);
            while (_keys[i] != Empty)
            {
                i = (i + 1) & mask;
            }
            _keys[i] = oldKeys[j];
            _values[i] = oldValues[j];
        }
    }
}
