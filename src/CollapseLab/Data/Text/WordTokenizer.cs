using System.Buffers;
using System.Text;

namespace CollapseLab.Data.Text;

/// <summary>
/// Words by Unicode category: a word is a letter followed by letters, marks and digits, with inner apostrophes
/// ("don't", "LORD's"); a number is a run of digits; any other non-space character is a token of its own.
/// Whitespace separates tokens and is dropped. Words outside the vocabulary map to &lt;unk&gt;.
/// </summary>
public sealed class WordTokenizer : Tokenizer
{
    private readonly Vocabulary _vocabulary;

    private WordTokenizer(Vocabulary vocabulary, bool lowercase)
    {
        _vocabulary = vocabulary;
        Lowercase = lowercase;
    }

    public bool Lowercase { get; }

    public static WordTokenizer Train(IReadOnlyList<string> documents, int maxSize, bool lowercase) =>
        TrainAndEncode(documents, maxSize, lowercase, 1).Tokenizer;

    /// <summary>
    /// Trains on the documents and returns them encoded as well, so that the training text is scanned once. The
    /// documents are split into parts of about equal length (one per thread); each part writes its documents as the
    /// numbers of their words in its own table of types, the tables are merged, and every number becomes its
    /// vocabulary id. The vocabulary depends on the total counts only, so the result is the same for any split.
    /// </summary>
    public static (WordTokenizer Tokenizer, int[][] Encoded) TrainAndEncode(IReadOnlyList<string> documents, int maxSize, bool lowercase, int threads)
    {
        var parts = Parts(documents, threads);
        var encoded = new int[documents.Count][];
        var tables = new TypeCounts[parts.Length - 1];
        var options = new ParallelOptions { MaxDegreeOfParallelism = tables.Length };
        Parallel.For(0, tables.Length, options, t => tables[t] = TypeCounts.Encode(documents, parts[t], parts[t + 1], lowercase, encoded));
        var all = tables[0];
        var merged = tables.Select(t => t == all ? Enumerable.Range(0, all.Types.Count).ToArray() : all.Merge(t)).ToArray();
        var types = Enumerable.Range(0, all.Types.Count).Select(t => (all.Types.Key(t), all.Counts[t]));
        var tokenizer = new WordTokenizer(Vocabulary.FromCounts(types, maxSize), lowercase);
        var id = new int[all.Types.Count];
        for (var t = 0; t < id.Length; t++)
        {
            id[t] = tokenizer._vocabulary.Id(all.Types.KeySpan(t));
        }
        Parallel.For(0, tables.Length, options, t =>
        {
            for (var d = parts[t]; d < parts[t + 1]; d++)
            {
                foreach (ref var token in encoded[d].AsSpan())
                {
                    token = id[merged[t][token]];
                }
            }
        });
        return (tokenizer, encoded);
    }

    /// <summary>Document boundaries of up to <paramref name="threads"/> parts of about equal length, at least 1M characters each.</summary>
    private static int[] Parts(IReadOnlyList<string> documents, int threads)
    {
        var total = documents.Sum(d => (long)d.Length);
        var parts = (int)Math.Clamp(total >> 20, 1, Math.Max(1, threads));
        var bounds = new int[parts + 1];
        long seen = 0;
        for (int d = 0, t = 1; d < documents.Count && t < parts; d++)
        {
            seen += documents[d].Length;
            if (seen * parts >= total * t)
            {
                bounds[t++] = d + 1;
            }
        }
        bounds[parts] = documents.Count;
        return bounds;
    }

    /// <summary>The types of part of the text, numbered as first seen, with their counts.</summary>
    private sealed class TypeCounts
    {
        public TokenTable Types { get; } = new();

        public long[] Counts { get; private set; } = new long[1024];

        private int Add(ReadOnlySpan<char> word, long count)
        {
            var type = Types.Add(word);
            if (type == Counts.Length)
            {
                var counts = Counts;
                Array.Resize(ref counts, counts.Length * 2);
                Counts = counts;
            }
            Counts[type] += count;
            return type;
        }

        /// <summary>Counts the words of documents [from, to) and writes each document as its words' type numbers.</summary>
        public static TypeCounts Encode(IReadOnlyList<string> documents, int from, int to, bool lowercase, int[][] encoded)
        {
            var result = new TypeCounts();
            var buffer = new int[1024];
            for (var d = from; d < to; d++)
            {
                var text = lowercase ? documents[d].ToLowerInvariant() : documents[d];
                if (buffer.Length < text.Length)
                {
                    buffer = new int[text.Length];
                }
                var n = 0;
                foreach (var (start, length) in new WordSpans(text))
                {
                    buffer[n++] = result.Add(text.AsSpan(start, length), 1);
                }
                encoded[d] = buffer[..n];
            }
            return result;
        }

        /// <summary>Adds the other part's types and counts; returns where each of its types went.</summary>
        public int[] Merge(TypeCounts other)
        {
            var map = new int[other.Types.Count];
            for (var t = 0; t < map.Length; t++)
            {
                map[t] = Add(other.Types.KeySpan(t), other.Counts[t]);
            }
            return map;
        }
    }

    public override string Kind => "word";

    public override int VocabularySize => _vocabulary.Count;

    public override int Boundary => Vocabulary.BoundaryId;

    public override int[] Encode(string text)
    {
        if (Lowercase)
        {
            text = text.ToLowerInvariant();
        }
        var ids = ArrayPool<int>.Shared.Rent(text.Length);
        var count = 0;
        foreach (var (start, length) in new WordSpans(text))
        {
            ids[count++] = _vocabulary.Id(text.AsSpan(start, length));
        }
        var result = ids[..count];
        ArrayPool<int>.Shared.Return(ids);
        return result;
    }

    public override string Decode(ReadOnlySpan<int> tokens)
    {
        var sb = new StringBuilder(tokens.Length * 6);
        var glue = true;
        foreach (var t in tokens)
        {
            if (t == Boundary)
            {
                continue;
            }
            var word = _vocabulary[t];
            if (!glue && !(word.Length == 1 && ",.;:!?)]}'’".Contains(word[0], StringComparison.Ordinal)))
            {
                sb.Append(' ');
            }
            sb.Append(word);
            glue = word.Length == 1 && "([{".Contains(word[0], StringComparison.Ordinal);
        }
        return sb.ToString();
    }

    public override string TokenText(int id) => _vocabulary[id];
}
