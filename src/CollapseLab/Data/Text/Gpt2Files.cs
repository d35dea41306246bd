using System.Text;
using System.Text.Json;
using CollapseLab.Specs;

namespace CollapseLab.Data.Text;

/// <summary>
/// GPT-2's tokenizer files: vocab.json maps each token string (in <see cref="ByteLevel"/> characters) to its id,
/// ids 0 … V−1; merges.txt holds "#version: 0.2" and then one "left right" merge per line, by rank.
/// </summary>
public static class Gpt2Files
{
    public static void Save(BpeTokenizer tokenizer, string vocabPath, string mergesPath)
    {
        var vocab = new StringBuilder("{");
        for (var i = 0; i < tokenizer.Tokens.Count; i++)
        {
            vocab.Append(i == 0 ? "" : ", ").Append(JsonSerializer.Serialize(tokenizer.Tokens[i])).Append(": ").Append(i);
        }
        vocab.Append('}');
        File.WriteAllText(vocabPath, vocab.ToString(), new UTF8Encoding(false));
        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (left, right) in tokenizer.Merges)
        {
            merges.Append(left).Append(' ').Append(right).Append('\n');
        }
        File.WriteAllText(mergesPath, merges.ToString(), new UTF8Encoding(false));
    }

    public static BpeTokenizer Load(string vocabPath, string mergesPath)
    {
        Dictionary<string, int>? vocab;
        try
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"{vocabPath}: cannot read a GPT-2 vocab.json ({e.Message}); it must be a JSON object of token → id.");
        }
        if (vocab is null || vocab.Count == 0)
        {
            throw new SpecException($"{vocabPath}: the vocabulary is empty; give GPT-2's vocab.json or one saved by CollapseLab.");
        }
        var tokens = new string[vocab.Count];
        foreach (var (token, id) in vocab)
        {
            if (id < 0 || id >= tokens.Length || tokens[id] is not null)
            {
                throw new SpecException($"{vocabPath}: token {JsonSerializer.Serialize(token)} has id {id}; ids must be distinct and run from 0 to {tokens.Length - 1}.");
            }
            tokens[id] = token;
        }
        var bytes = new List<byte>();
        for (var b = 0; b < 256; b++)
        {
            if (!vocab.ContainsKey(ByteLevel.ByteToChar[b].ToString()))
            {
                throw new SpecException($"{vocabPath}: byte 0x{b:X2} (token '{ByteLevel.ByteToChar[b]}') is missing; a byte-level vocabulary needs all 256 bytes.");
            }
        }
        if (!vocab.ContainsKey(BpeTokenizer.EndOfText))
        {
            tokens = [.. tokens, BpeTokenizer.EndOfText];
        }
        var merges = new List<(string, string)>();
        var lines = ReadLines(mergesPath);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || (i == 0 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }
            var parts = line.Split(' ');
            if (parts.Length != 2 || !vocab.ContainsKey(parts[0]) || !vocab.ContainsKey(parts[1]) || !vocab.ContainsKey(parts[0] + parts[1]))
            {
                throw new SpecException($"{mergesPath}:{i + 1}: '{line}' is not a merge of two tokens of {Path.GetFileName(vocabPath)} whose join is also a token; check that vocab and merges belong together.");
            }
            merges.Add((parts[0], parts[1]));
        }
        return new BpeTokenizer(tokens, merges);
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllText(path, Encoding.UTF8).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"{path}: cannot read merges.txt ({e.Message}).");
        }
    }
}
