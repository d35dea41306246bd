using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace CollapseLab.Data.Text;

/// <summary>
/// Byte-level BPE as in GPT-2: text is split by GPT-2's pattern into pre-tokens, each pre-token's UTF-8 bytes are
/// mapped to characters (<see cref="ByteLevel"/>), and merges are applied lowest rank first. Any text encodes
/// (no unknown token); "&lt;|endoftext|&gt;" is the boundary.
/// </summary>
public sealed partial class BpeTokenizer : Tokenizer
{
    public const string EndOfText = "<|endoftext|>";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex PreTokenPattern();

    /// <summary>A tokenizer from GPT-2-format tables: token strings by id and merges (pairs of token strings) by rank.</summary>
    public BpeTokenizer(string[] tokens, IReadOnlyList<(string Left, string Right)> merges)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++)
        {
            _ids[tokens[i]] = i;
        }
        Merges = merges;
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (var r = 0; r < merges.Count; r++)
        {
            var (left, right) = merges[r];
            _merges.TryAdd(Pair(_ids[left], _ids[right]), (r, _ids[left + right]));
        }
        Boundary = _ids[EndOfText];
    }

    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    public IReadOnlyList<string> Tokens => _tokens;

    public override string Kind => "bpe";

    public override int VocabularySize => _tokens.Length;

    public override int Boundary { get; }

    private static long Pair(int a, int b) => ((long)a << 32) | (uint)b;

    /// <summary>Pre-tokens of <paramref name="text"/> as byte-level strings.</summary>
    public static List<string> PreTokens(string text)
    {
        var words = new List<string>();
        Span<byte> buffer = stackalloc byte[1024];
        foreach (var match in PreTokenPattern().EnumerateMatches(text))
        {
            var piece = text.AsSpan(match.Index, match.Length);
            var bytes = piece.Length * 3 <= buffer.Length ? buffer : new byte[piece.Length * 3];
            var n = Encoding.UTF8.GetBytes(piece, bytes);
            words.Add(ByteLevel.Encode(bytes[..n]));
        }
        return words;
    }

    public override int[] Encode(string text)
    {
        var ids = new List<int>(text.Length / 3);
        foreach (var word in PreTokens(text))
        {
            ids.AddRange(_cache.GetOrAdd(word, EncodeWord));
        }
        return ids.ToArray();
    }

    private int[] EncodeWord(string word)
    {
        var symbols = new List<int>(word.Length);
        foreach (var c in word)
        {
            symbols.Add(_ids[c.ToString()]);
        }
        while (symbols.Count > 1)
        {
            var best = (Rank: int.MaxValue, Merged: -1);
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (_merges.TryGetValue(Pair(symbols[i], symbols[i + 1]), out var m) && m.Rank < best.Rank)
                {
                    best = m;
                }
            }
            if (best.Merged < 0)
            {
                break;
            }
            var (left, right) = Merges[best.Rank];
            var (l, r) = (_ids[left], _ids[right]);
            var merged = new List<int>(symbols.Count);
            for (var i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == l && symbols[i + 1] == r)
                {
                    merged.Add(best.Merged);
                    i++;
                }
                else
                {
                    merged.Add(symbols[i]);
                }
            }
            symbols = merged;
        }
        return symbols.ToArray();
    }

    public override string Decode(ReadOnlySpan<int> tokens)
    {
        var bytes = new List<byte>(tokens.Length * 4);
        foreach (var t in tokens)
        {
            if (t != Boundary)
            {
                ByteLevel.TryDecode(_tokens[t], bytes);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public override string TokenText(int id) => id == Boundary ? EndOfText : Decode([id]);

    /// <summary>
    /// Learns merges from the pre-token counts of <paramref name="documents"/> until the vocabulary holds
    /// <paramref name="vocabularySize"/> tokens (256 bytes + "&lt;|endoftext|&gt;" + merges) or no pair occurs twice.
    /// Each step merges the most frequent adjacent pair (ties: smallest ids), updating pair counts only in the
    /// words that contain it.
    /// </summary>
    public static BpeTokenizer Train(IEnumerable<string> documents, int vocabularySize)
    {
        if (vocabularySize < 257)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), "a byte-level vocabulary needs at least 257 tokens");
        }
        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            foreach (var w in PreTokens(doc))
            {
                wordCounts[w] = wordCounts.GetValueOrDefault(w) + 1;
            }
        }
        var tokens = new List<string>(vocabularySize);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var b = 0; b < 256; b++)
        {
            ids[ByteLevel.ByteToChar[b].ToString()] = tokens.Count;
            tokens.Add(ByteLevel.ByteToChar[b].ToString());
        }
        tokens.Add(EndOfText);
        var words = wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        var symbols = words.Select(w => w.Key.Select(c => ids[c.ToString()]).ToList()).ToArray();
        var counts = words.Select(w => w.Value).ToArray();
        var pairCounts = new Dictionary<long, long>();
        var pairWords = new Dictionary<long, HashSet<int>>();
        void AddPairs(int w, int sign)
        {
            var s = symbols[w];
            for (var i = 0; i + 1 < s.Count; i++)
            {
                var p = Pair(s[i], s[i + 1]);
                pairCounts[p] = pairCounts.GetValueOrDefault(p) + sign * counts[w];
                if (sign > 0)
                {
                    (pairWords.TryGetValue(p, out var set) ? set : pairWords[p] = []).Add(w);
                }
            }
        }
        for (var w = 0; w < symbols.Length; w++)
        {
            AddPairs(w, +1);
        }
        var merges = new List<(string, string)>();
        while (tokens.Count < vocabularySize)
        {
            long best = -1, bestCount = 1;
            foreach (var (p, c) in pairCounts)
            {
                if (c > bestCount || (c == bestCount && best >= 0 && p < best))
                {
                    (best, bestCount) = (p, c);
                }
            }
            if (best < 0)
            {
                break;
            }
            var (l, r) = ((int)(best >> 32), (int)(uint)best);
            var text = tokens[l] + tokens[r];
            if (!ids.TryGetValue(text, out var merged))
            {
                merged = tokens.Count;
                tokens.Add(text);
                ids[text] = merged;
            }
            merges.Add((tokens[l], tokens[r]));
            foreach (var w in pairWords[best].ToArray())
            {
                AddPairs(w, -1);
                var s = symbols[w];
                var next = new List<int>(s.Count);
                for (var i = 0; i < s.Count; i++)
                {
                    if (i + 1 < s.Count && s[i] == l && s[i + 1] == r)
                    {
                        next.Add(merged);
                        i++;
                    }
                    else
                    {
                        next.Add(s[i]);
                    }
                }
                symbols[w] = next;
                AddPairs(w, +1);
            }
            pairCounts.Remove(best);
            pairWords.Remove(best);
        }
        return new BpeTokenizer(tokens.ToArray(), merges);
    }
}
