using CollapseLab.Data;
using CollapseLab.Random;

namespace CollapseLab.Policies;

/// <summary>How the training set of generation g ≥ 1 is composed from the real pool and earlier synthetic data.</summary>
public abstract record Policy
{
    /// <summary>The spec name, e.g. "accumulate".</summary>
    public abstract string Kind { get; }

    /// <summary>True when older generations' samples are used again, so a chain must keep all of them.</summary>
    public virtual bool KeepsHistory => false;

    /// <summary>Training-set size at generation g, for validation before a run starts.</summary>
    public abstract int TrainingSize(int generation, int poolSize, int samplesPerGeneration);

    public abstract TrainingSet Compose(PolicyInput input);

    /// <summary>
    /// When generation g's training set is exactly generation g−1's <paramref name="samples"/> samples (no draws,
    /// no real data), its composition, so a lockstep block can fit each chain on its samples in place; null for a
    /// policy that composes anything else.
    /// </summary>
    public virtual Composition? InPlaceComposition(int generation, int samples) => null;

    /// <summary>A human summary, e.g. "keep-real p=0.1".</summary>
    public abstract string Describe();

    /// <summary>
    /// A training set the size of the real pool: the <paramref name="real"/> parts (<paramref name="realCount"/>
    /// items in all), then generation g−1's synthetic samples for the rest.
    /// </summary>
    protected static TrainingSet RealThenLast(PolicyInput input, List<BatchPart> real, int realCount)
    {
        var size = input.RealPool.Count;
        real.Add(Take(input.Last, size - realCount, input.Rng));
        return new TrainingSet(input.RealPool.Compose(real), Composition.Of(realCount, input.Generation - 1, size - realCount));
    }

    /// <summary>
    /// <paramref name="count"/> items of <paramref name="batch"/>: a uniform subset without replacement while it
    /// has enough, topped up by uniform draws with replacement when it has fewer.
    /// </summary>
    protected static BatchPart Take(DataBatch batch, int count, RandomStream rng)
    {
        if (count == batch.Count)
        {
            return new BatchPart(batch, null);
        }
        if (count < batch.Count)
        {
            return new BatchPart(batch, rng.Choose(batch.Count, count));
        }
        var pick = new int[count];
        for (var i = 0; i < count; i++)
        {
            pick[i] = i < batch.Count ? i : rng.NextInt(batch.Count);
        }
        return new BatchPart(batch, pick);
    }

    /// <summary>
    /// Indices into the concatenation of <paramref name="sources"/>, sorted ascending, split into each source's local
    /// indices: one entry per source that has any.
    /// </summary>
    protected static List<(int Source, int[] Local)> SplitBySource(IReadOnlyList<DataBatch> sources, int[] sorted)
    {
        var split = new List<(int, int[])>();
        var p = 0;
        var offset = 0;
        // One pass over the picks plus a count per source: a fixed-size subsample of a long history stays cheap.
        for (var s = 0; s < sources.Count && p < sorted.Length; s++)
        {
            var end = offset + sources[s].Count;
            var first = p;
            while (p < sorted.Length && sorted[p] < end)
            {
                p++;
            }
            if (p > first)
            {
                var local = new int[p - first];
                for (var i = 0; i < local.Length; i++)
                {
                    local[i] = sorted[first + i] - offset;
                }
                split.Add((s, local));
            }
            offset = end;
        }
        return split;
    }
}

/// <summary>
/// What a policy may draw on at generation g: the real pool, the synthetic batches of earlier generations
/// (index k holds generation k's samples; null where the chain no longer keeps them), fresh real data (a source
/// given a count and a stream), and its own random stream.
/// </summary>
public sealed record PolicyInput(
    int Generation,
    DataBatch RealPool,
    IReadOnlyList<DataBatch?> Synthetic,
    Func<int, StreamKey, DataBatch> FreshSource,
    StreamKey RngKey)
{
    /// <summary><paramref name="count"/> fresh real items, from this generation's fresh-real stream.</summary>
    public DataBatch FreshReal(int count) => FreshSource(count, RngKey with { Purpose = Purpose.FreshReal });

    private RandomStream? _rng;

    /// <summary>The policy's own stream, opened on first use (replace and accumulate draw nothing).</summary>
    public RandomStream Rng => _rng ??= RngKey.Open();

    /// <summary>
    /// The training set this chain composed a generation ago (the real pool at generation 1), or null when the
    /// chain has none at hand (e.g. just resumed): a growing policy extends it instead of composing anew.
    /// </summary>
    public DataBatch? PreviousTraining { get; init; }

    public DataBatch Last => Synthetic[Generation - 1] ?? throw new InvalidOperationException("previous generation's samples were dropped");
}

/// <summary>A training set and its provenance: how many items came from each origin (a struct: one per generation).</summary>
public readonly record struct TrainingSet(DataBatch Data, Composition Composition);

/// <summary>
/// Items by origin: <see cref="Real"/> from real data (the pool or fresh), and for each earlier generation whose
/// samples are used, how many (sparse and sorted, so a long chain under replace stores one entry a generation).
/// </summary>
public sealed record Composition(int Real, IReadOnlyList<OriginCount> Synthetic)
{
    public int Total
    {
        get
        {
            var total = Real;
            for (var i = 0; i < Synthetic.Count; i++)
            {
                total += Synthetic[i].Count;
            }
            return total;
        }
    }

    public double RealShare => Total == 0 ? 0 : (double)Real / Total;

    /// <summary>How many items came from generation <paramref name="generation"/>'s samples.</summary>
    public int FromGeneration(int generation) => Synthetic.FirstOrDefault(o => o.Generation == generation).Count;

    public static Composition AllReal(int count) => new(count, []);

    /// <summary>Real items plus <paramref name="count"/> from one generation: every policy but the accumulating ones.</summary>
    public static Composition Of(int real, int generation, int count) =>
        new(real, count > 0 ? [new OriginCount(generation, count)] : []);

    /// <summary>Counts by generation for a set made of whole or partial batches of the given generations.</summary>
    public static Composition Of(int real, IReadOnlyList<(int Generation, int Count)> parts)
    {
        var byGeneration = new SortedDictionary<int, int>();
        foreach (var (g, c) in parts)
        {
            if (c > 0)
            {
                byGeneration[g] = byGeneration.GetValueOrDefault(g) + c;
            }
        }
        return new Composition(real, byGeneration.Select(kv => new OriginCount(kv.Key, kv.Value)).ToArray());
    }
}

/// <summary>Items of a training set that came from one generation's samples.</summary>
public readonly record struct OriginCount(int Generation, int Count);
