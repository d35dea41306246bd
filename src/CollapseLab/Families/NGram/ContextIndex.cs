using System.Runtime.CompilerServices;

namespace CollapseLab.Families.NGram;

/// <summary>
/// Contexts of two or more tokens by (parent, older token), in an open-addressing table (linear probing, load ≤ 3/4)
/// whose slot holds the packed key beside the context itself, so finding a context and reading it cost one cache
/// miss. The table never grows, so a slot number is a stable id: a context's children are keyed by
/// <see cref="ParentKey"/> of its slot.
/// </summary>
internal sealed class ContextIndex
{
    /// <summary>Slots store the key's complement, so that a fresh (zeroed) slot is empty: no key is all ones.</summary>
    private const ulong Empty = 0;

    private readonly Slot[] _slots;
    private readonly int _shift;
    private readonly int _vocabularySize;

    private struct Slot
    {
        public ulong Key;
        public NGramContext Context;
    }

    /// <param name="count">How many contexts will be added.</param>
    /// <param name="vocabularySize">V: parents of one token are keyed by the token, longer parents by V + slot.</param>
    public ContextIndex(int count, int vocabularySize)
    {
        var size = 16;
        while (size * 3 < count * 4)
        {
            size <<= 1;
        }
        _slots = new Slot[size];
        _shift = 64 - int.Log2(size);
        _vocabularySize = vocabularySize;
    }

    /// <summary>Slots, so keys (<see cref="ParentKey"/>) lie in [0, V + Capacity).</summary>
    public int Capacity => _slots.Length;

    /// <summary>The parent key of the context in <paramref name="slot"/>.</summary>
    public int ParentKey(int slot) => _vocabularySize + slot;

    public ref readonly NGramContext this[int slot] => ref _slots[slot].Context;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(int parent, int token) => ~(((ulong)(uint)parent << 32) | (uint)token);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>Adds a context not present yet; returns its slot.</summary>
    public int Add(int parent, int token, NGramContext context)
    {
        var key = Key(parent, token);
        var mask = _slots.Length - 1;
        var i = Home(key);
        while (_slots[i].Key != Empty)
        {
            i = (i + 1) & mask;
        }
        _slots[i] = new Slot { Key = key, Context = context };
        return i;
    }

    /// <summary>The slot of the context <paramref name="token"/> in front of <paramref name="parent"/>, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(int parent, int token)
    {
        var key = Key(parent, token);
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            var k = slots[i].Key;
            if (k == key)
            {
                return i;
            }
            if (k == Empty)
            {
                return -1;
            }
        }
    }
}
