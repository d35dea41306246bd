using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CollapseLab.Specs;

namespace CollapseLab.Data.Text;

/// <summary>
/// A Hugging Face tokenizer.json with a byte-level BPE model, as GPT-2, OPT, Llama 3 and SmolLM ship: added tokens
/// (e.g. "&lt;|endoftext|&gt;", "&lt;s&gt;") are matched literally first; the text between them is split into
/// pre-tokens by GPT-2's pattern (pre_tokenizer ByteLevel) or by a Split regex followed by ByteLevel without its own
/// pattern (Llama 3), each pre-token's UTF-8 bytes become byte-level characters, and merges apply lowest rank first.
/// Ids are those of the file; V is the largest id + 1. The boundary is the config's bos (else eos) token.
/// </summary>
public sealed partial class TokenizerJson : Tokenizer
{
    public const string FileName = "tokenizer.json";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly Regex _preTokens;
    private readonly Regex? _added;
    private readonly HashSet<int> _addedIds;
    private readonly bool _prefixSpace;

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Pattern();

    private TokenizerJson(string[] tokens, Dictionary<string, int> ids, Dictionary<long, (int, int)> merges, Regex preTokens,
        List<(string Content, int Id)> added, bool prefixSpace, int boundary)
    {
        (_tokens, _ids, _merges, _preTokens, _prefixSpace, Boundary) = (tokens, ids, merges, preTokens, prefixSpace, boundary);
        _addedIds = added.Select(a => a.Id).ToHashSet();
        _added = added.Count == 0 ? null
            : new Regex(string.Join("|", added.OrderByDescending(a => a.Content.Length).Select(a => Regex.Escape(a.Content))), RegexOptions.CultureInvariant);
    }

    public override string Kind => "pretrained";

    public override int VocabularySize => _tokens.Length;

    public override int Boundary { get; }

    /// <summary>Reads <paramref name="path"/>; <paramref name="boundary"/> (the config's bos/eos id) or else "&lt;|endoftext|&gt;" starts sequences.</summary>
    public static TokenizerJson Load(string path, int? boundary)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"{path}: cannot read tokenizer.json ({e.Message}).");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("type", out var type) || type.GetString() != "BPE")
            {
                throw new SpecException($"{path}: key 'model.type' must be \"BPE\" (byte-level BPE, as GPT-2, OPT and Llama 3 use); SentencePiece (Unigram) and WordPiece tokenizers are not read.");
            }
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in model.GetProperty("vocab").EnumerateObject())
            {
                ids[p.Name] = p.Value.GetInt32();
            }
            var added = new List<(string, int)>();
            if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in addedTokens.EnumerateArray())
                {
                    var (content, id) = (a.GetProperty("content").GetString()!, a.GetProperty("id").GetInt32());
                    added.Add((content, id));
                    ids[content] = id;
                }
            }
            var size = ids.Values.DefaultIfEmpty(-1).Max() + 1;
            var tokens = new string[size];
            foreach (var (token, id) in ids)
            {
                if (id < 0)
                {
                    throw new SpecException($"{path}: token {JsonSerializer.Serialize(token)} has the negative id {id}.");
                }
                tokens[id] = token;
            }
            for (var i = 0; i < size; i++)
            {
                tokens[i] ??= "";
            }
            for (var b = 0; b < 256; b++)
            {
                if (!ids.ContainsKey(ByteLevel.ByteToChar[b].ToString()))
                {
                    throw new SpecException($"{path}: key 'model.vocab' lacks byte 0x{b:X2} (token '{ByteLevel.ByteToChar[b]}'); a byte-level vocabulary holds all 256 bytes.");
                }
            }
            var merges = new Dictionary<long, (int, int)>();
            var rank = 0;
            foreach (var m in model.GetProperty("merges").EnumerateArray())
            {
                var (left, right) = m.ValueKind == JsonValueKind.Array
                    ? (m[0].GetString()!, m[1].GetString()!)
                    : Split(m.GetString()!, path, rank);
                if (!ids.TryGetValue(left, out var l) || !ids.TryGetValue(right, out var r) || !ids.TryGetValue(left + right, out var merged))
                {
                    throw new SpecException($"{path}: key 'model.merges' entry {rank} ('{left} {right}') joins tokens that are not in the vocabulary.");
                }
                merges.TryAdd(Pair(l, r), (rank++, merged));
            }
            var (pattern, prefixSpace) = PreTokenizer(root, path);
            var start = boundary ?? (ids.TryGetValue(BpeTokenizer.EndOfText, out var eot) ? eot
                : throw new SpecException($"{path}: config.json names no bos_token_id or eos_token_id and the vocabulary has no <|endoftext|>; give bos_token_id in config.json."));
            if (start < 0 || start >= size)
            {
                throw new SpecException($"{path}: the boundary token id {start} (bos_token_id/eos_token_id in config.json) is outside the vocabulary of {size} ids.");
            }
            return new TokenizerJson(tokens, ids, merges, pattern, added, prefixSpace, start);
        }
    }

    private static (string, string) Split(string merge, string path, int rank)
    {
        var space = merge.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? (merge[..space], merge[(space + 1)..])
            : throw new SpecException($"{path}: key 'model.merges' entry {rank} ('{merge}') is not two tokens separated by a space.");
    }

    /// <summary>The pre-token pattern: GPT-2's (ByteLevel) or a Split regex before a ByteLevel that has none of its own.</summary>
    private static (Regex Pattern, bool PrefixSpace) PreTokenizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
        {
            throw new SpecException($"{path}: key 'pre_tokenizer' is missing; a byte-level BPE needs the ByteLevel pre-tokenizer.");
        }
        var kind = pre.GetProperty("type").GetString();
        if (kind == "ByteLevel")
        {
            return (Gpt2Pattern(), PrefixSpace(pre));
        }
        if (kind == "Sequence" && pre.GetProperty("pretokenizers") is { ValueKind: JsonValueKind.Array } steps && steps.GetArrayLength() == 2
            && steps[0].GetProperty("type").GetString() == "Split" && steps[0].TryGetProperty("pattern", out var pattern)
            && pattern.TryGetProperty("Regex", out var regex) && steps[1].GetProperty("type").GetString() == "ByteLevel"
            && steps[1].TryGetProperty("use_regex", out var useRegex) && !useRegex.GetBoolean())
        {
            return (new Regex(regex.GetString()!, RegexOptions.CultureInvariant), PrefixSpace(steps[1]));
        }
        throw new SpecException($"{path}: key 'pre_tokenizer' ({pre.GetRawText()[..Math.Min(80, pre.GetRawText().Length)]}…) is not supported; supported: ByteLevel, or Sequence [Split (Regex), ByteLevel (use_regex: false)].");
    }

    private static bool PrefixSpace(JsonElement byteLevel) =>
        byteLevel.TryGetProperty("add_prefix_space", out var p) && p.ValueKind == JsonValueKind.True;

    private static long Pair(int a, int b) => ((long)a << 32) | (uint)b;

    public override int[] Encode(string text)
    {
        var ids = new List<int>(text.Length / 3);
        var at = 0;
        if (_added is not null)
        {
            foreach (Match m in _added.Matches(text))
            {
                EncodeOrdinary(text[at..m.Index], ids, at == 0);
                ids.Add(_ids[m.Value]);
                at = m.Index + m.Length;
            }
        }
        EncodeOrdinary(text[at..], ids, at == 0);
        return ids.ToArray();
    }

    private void EncodeOrdinary(string text, List<int> ids, bool first)
    {
        if (text.Length == 0)
        {
            return;
        }
        if (_prefixSpace && first && text[0] != ' ')
        {
            text = " " + text;
        }
        foreach (Match m in _preTokens.Matches(text))
        {
            EncodeWord(ByteLevel.Encode(Encoding.UTF8.GetBytes(m.Value)), ids);
        }
    }

    /// <summary>Merges the word's byte characters, the lowest-ranked adjacent pair first (leftmost among equals).</summary>
    private void EncodeWord(string word, List<int> ids)
    {
        var symbols = new List<int>(word.Length);
        foreach (var c in word)
        {
            symbols.Add(_ids[c.ToString()]);
        }
        while (symbols.Count > 1)
        {
            var (best, at) = ((Rank: int.MaxValue, Merged: -1), -1);
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (_merges.TryGetValue(Pair(symbols[i], symbols[i + 1]), out var m) && m.Rank < best.Rank)
                {
                    (best, at) = (m, i);
                }
            }
            if (at < 0)
            {
                break;
            }
            symbols[at] = best.Merged;
            symbols.RemoveAt(at + 1);
        }
        ids.AddRange(symbols);
    }

    public override string Decode(ReadOnlySpan<int> tokens)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>(tokens.Length * 4);
        foreach (var t in tokens)
        {
            if (t == Boundary || (uint)t >= (uint)_tokens.Length)
            {
                continue;
            }
            if (_addedIds.Contains(t))
            {
                text.Append(Encoding.UTF8.GetString(bytes.ToArray())).Append(_tokens[t]);
                bytes.Clear();
            }
            else
            {
                ByteLevel.TryDecode(_tokens[t], bytes);
            }
        }
        return text.Append(Encoding.UTF8.GetString(bytes.ToArray())).ToString();
    }

    public override string TokenText(int id) => _addedIds.Contains(id) ? _tokens[id] : Decode([id]);
}
