using System.Numerics;
using System.Runtime.InteropServices;
using CollapseLab.Data;
using CollapseLab.Data.Text;

namespace CollapseLab.Curation;

/// <summary>
/// Drops texts whose token n-gram set has Jaccard similarity ≥ s with an earlier kept text. Each text gets a MinHash
/// signature of <see cref="Hashes"/> values (one multiply–shift hash per value, seeded from the step's stream);
/// locality-sensitive banding (b bands of r rows, (1/b)^{1/r} below s) makes texts sharing a band candidates, and a
/// candidate is a duplicate only if its exact Jaccard over the hashed n-grams reaches s. Signatures cost
/// O(n·L·H) for n texts of L tokens; lookups are O(n·b) expected, plus the exact checks of candidates.
/// </summary>
public sealed class MinHashDedup(double threshold, int ngram) : CurationStep
{
    public const int Hashes = 128;

    private readonly (int Bands, int Rows) _banding = Banding(threshold);

    public override string Name => "dedup";

    public override string Describe() => FormattableString.Invariant($"dedup (Jaccard ≥ {threshold:G3} over {ngram}-grams, MinHash {_banding.Bands}×{_banding.Rows})");

    public override string? Unsupported(ExperimentData data, int samples) =>
        data.Kind == DataKind.Tokens ? null : "with jaccard: compares token n-grams of texts; for numeric rows use near:.";

    /// <summary>The banding whose threshold (1/b)^{1/r} is the largest at most 0.9·s: recall first, the exact check removes false candidates.</summary>
    private static (int, int) Banding(double s)
    {
        (int, int)[] choices = [(128, 1), (64, 2), (32, 4), (16, 8), (8, 16), (4, 32)];
        return choices.Where(c => Math.Pow(1.0 / c.Item1, 1.0 / c.Item2) <= 0.9 * s).DefaultIfEmpty(choices[0])
            .MaxBy(c => Math.Pow(1.0 / c.Item1, 1.0 / c.Item2));
    }

    public override CurationOutcome Apply(CurationInput input)
    {
        var texts = (TokenBatch)input.Samples;
        var n = texts.Count;
        var rng = input.Stream.Open();
        var a = new uint[Hashes];
        var b = new uint[Hashes];
        for (var h = 0; h < Hashes; h++)
        {
            a[h] = (uint)rng.NextUInt64() | 1;
            b[h] = (uint)rng.NextUInt64();
        }
        var shingles = new ulong[n][];
        var signatures = new uint[n * Hashes];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, input.Threads) }, i =>
        {
            shingles[i] = Shingles(texts.Sequence(i), ngram);
            Sign(shingles[i], a, b, signatures.AsSpan(i * Hashes, Hashes));
        });
        var (bands, rows) = _banding;
        // Per band a chained hash table: head[k][key] is the last kept text in that bucket, next[k·n + i] the one before it.
        var head = new Dictionary<ulong, int>[bands];
        for (var k = 0; k < bands; k++)
        {
            head[k] = new Dictionary<ulong, int>(n);
        }
        var next = new int[bands * n];
        var keep = new List<int>(n);
        var bandKeys = new ulong[bands];
        for (var i = 0; i < n; i++)
        {
            var signature = signatures.AsSpan(i * Hashes, Hashes);
            var duplicate = false;
            for (var k = 0; k < bands && !duplicate; k++)
            {
                var key = 0xCBF29CE484222325UL;
                foreach (var v in signature.Slice(k * rows, rows))
                {
                    key = Random.SplitMix.Combine(key, v);
                }
                bandKeys[k] = key;
                if (head[k].TryGetValue(key, out var j))
                {
                    for (; j >= 0 && !duplicate; j = next[k * n + j])
                    {
                        duplicate = Jaccard(shingles[i], shingles[j]) >= threshold;
                    }
                }
            }
            if (duplicate)
            {
                continue;
            }
            keep.Add(i);
            for (var k = 0; k < bands; k++)
            {
                ref var last = ref CollectionsMarshal.GetValueRefOrAddDefault(head[k], bandKeys[k], out var exists);
                next[k * n + i] = exists ? last : -1;
                last = i;
            }
        }
        return CurationOutcome.Keep(texts, keep.ToArray());
    }

    /// <summary>The sorted, distinct hashes of a text's token n-grams (the whole text when shorter than n).</summary>
    private static ulong[] Shingles(ReadOnlySpan<int> tokens, int n)
    {
        var count = Math.Max(1, tokens.Length - n + 1);
        var result = new ulong[count];
        for (var s = 0; s < count; s++)
        {
            var h = 0x84222325CBF29CE4UL;
            foreach (var t in tokens.Slice(s, Math.Min(n, tokens.Length - s)))
            {
                h = Random.SplitMix.Combine(h, (ulong)(uint)t);
            }
            result[s] = h;
        }
        Array.Sort(result);
        var distinct = result.Length == 0 ? 0 : 1;
        for (var s = 1; s < result.Length; s++)
        {
            if (result[s] != result[distinct - 1])
            {
                result[distinct++] = result[s];
            }
        }
        return result[..distinct];
    }

    /// <summary>
    /// signature[h] = min over shingles x of aₕ·x + bₕ (mod 2³²), x the shingle hash folded to 32 bits and aₕ odd:
    /// each hash is a bijection of well-mixed inputs, computed <see cref="Vector{T}.Count"/> hashes at a time.
    /// </summary>
    private static void Sign(ulong[] shingles, uint[] a, uint[] b, Span<uint> signature)
    {
        // Hashes (128) is a multiple of every vector width, so there is no scalar tail.
        signature.Fill(uint.MaxValue);
        var min = MemoryMarshal.Cast<uint, Vector<uint>>(signature);
        var va = MemoryMarshal.Cast<uint, Vector<uint>>(a);
        var vb = MemoryMarshal.Cast<uint, Vector<uint>>(b);
        foreach (var shingle in shingles)
        {
            var x = new Vector<uint>((uint)(shingle ^ (shingle >> 32)));
            for (var v = 0; v < min.Length; v++)
            {
                min[v] = Vector.Min(min[v], va[v] * x + vb[v]);
            }
        }
    }

    /// <summary>|A ∩ B| / |A ∪ B| of two sorted distinct arrays.</summary>
    private static double Jaccard(ulong[] x, ulong[] y)
    {
        var (i, j, common) = (0, 0, 0);
        while (i < x.Length && j < y.Length)
        {
            if (x[i] == y[j])
            {
                common++;
                i++;
                j++;
            }
            else if (x[i] < y[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return common / (double)(x.Length + y.Length - common);
    }
}
