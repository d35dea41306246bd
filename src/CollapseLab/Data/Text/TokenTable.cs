namespace CollapseLab.Data.Text;

/// <summary>
/// A set of UTF-16 text spans numbered 0, 1, 2, … in the order they were added (open addressing). Keys are copied
/// once into one character buffer, and a slot holds the key's hash beside its number, so looking a word up allocates
/// nothing and rarely compares characters that differ.
/// </summary>
internal sealed class TokenTable
{
    private Slot[] _slots = new Slot[64];
    private int _shift = 32 - 6;
    private int[] _start = new int[33];
    private char[] _chars = new char[256];

    private struct Slot
    {
        public int Hash;
        public int Entry; // key number + 1; 0 = empty
    }

    /// <summary>Keys stored, numbered 0 … Count − 1 in the order they were added.</summary>
    public int Count { get; private set; }

    public string Key(int entry) => new(KeySpan(entry));

    public ReadOnlySpan<char> KeySpan(int entry) => _chars.AsSpan(_start[entry], _start[entry + 1] - _start[entry]);

    /// <summary>The number of <paramref name="key"/>, or −1.</summary>
    public int Find(ReadOnlySpan<char> key) => _slots[Locate(key, Hash(key))].Entry - 1;

    /// <summary>The number of <paramref name="key"/>, adding it when absent.</summary>
    public int Add(ReadOnlySpan<char> key)
    {
        var hash = Hash(key);
        var slot = Locate(key, hash);
        if (_slots[slot].Entry == 0)
        {
            if ((Count + 1) * 2 > _slots.Length)
            {
                Grow();
                slot = Locate(key, hash);
            }
            Append(key);
            _slots[slot] = new Slot { Hash = hash, Entry = Count };
        }
        return _slots[slot].Entry - 1;
    }

    /// <summary>FNV-1a over the UTF-16 code units, finished with a multiply so that the high bits pick the slot.</summary>
    private static int Hash(ReadOnlySpan<char> key)
    {
        var h = 2166136261u;
        foreach (var c in key)
        {
            h = (h ^ c) * 16777619u;
        }
        return (int)(h * 0x9E3779B1u);
    }

    /// <summary>The slot holding <paramref name="key"/>, or the empty slot where it would go.</summary>
    private int Locate(ReadOnlySpan<char> key, int hash)
    {
        var mask = _slots.Length - 1;
        for (var i = (int)((uint)hash >> _shift); ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot.Entry == 0)
            {
                return i;
            }
            var e = slot.Entry - 1;
            if (slot.Hash == hash && _chars.AsSpan(_start[e], _start[e + 1] - _start[e]).SequenceEqual(key))
            {
                return i;
            }
        }
    }

    private void Append(ReadOnlySpan<char> key)
    {
        var at = _start[Count];
        if (at + key.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, at + key.Length));
        }
        if (Count + 2 > _start.Length)
        {
            Array.Resize(ref _start, _start.Length * 2);
        }
        key.CopyTo(_chars.AsSpan(at));
        _start[++Count] = at + key.Length;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        var mask = _slots.Length - 1;
        var shift = --_shift;
        foreach (var s in old)
        {
            if (s.Entry == 0)
            {
                continue;
            }
            var i = (int)((uint)s.Hash >> shift);
            while (_slots[i].Entry != 0)
            {
                i = (i + 1) & mask;
            }
            _slots[i] = s;
        }
    }
}
