using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// Drops exact duplicates within a generation's samples (the same bytes: identical rows or token sequences), keeping
/// each item's first occurrence in sample order; O(n) expected. Near duplicates: <see cref="NearRowDedup"/>,
/// <see cref="MinHashDedup"/>. A collapsing model repeats itself, so the share it drops grows as
/// the loop degenerates.
/// </summary>
public sealed class DedupStep : CurationStep
{
    public override string Name => "dedup";

    public override string Describe() => "dedup (exact)";

    /// <summary>Exact by default; <c>near: ε</c> for rows within ε sd, <c>jaccard: s</c> (with <c>ngram</c>, default 3) for similar texts.</summary>
    public static CurationStep Read(SpecReader step)
    {
        if (step.Has("near") && step.Has("jaccard"))
        {
            throw step.Error("jaccard", "give near: (rows) or jaccard: (texts), not both.");
        }
        if (step.Has("near"))
        {
            return new NearRowDedup(step.Double("near", null, min: 0, exclusiveMin: true));
        }
        return step.Has("jaccard")
            ? new MinHashDedup(step.Double("jaccard", null, min: 0, max: 1, exclusiveMin: true), step.Int("ngram", 3, min: 1, max: 64))
            : new DedupStep();
    }

    public override CurationOutcome Apply(CurationInput input)
    {
        var samples = input.Samples;
        var seen = new HashSet<int>(new SameItem(samples));
        var keep = new List<int>(samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            if (seen.Add(i))
            {
                keep.Add(i);
            }
        }
        return CurationOutcome.Keep(samples, keep.ToArray());
    }

    /// <summary>Items of one batch compared by their bytes; the hash only buckets, so which items are kept never depends on it.</summary>
    private sealed class SameItem(DataBatch batch) : IEqualityComparer<int>
    {
        public bool Equals(int a, int b) => batch.ItemBytes(a).SequenceEqual(batch.ItemBytes(b));

        public int GetHashCode(int index)
        {
            var hash = new HashCode();
            hash.AddBytes(batch.ItemBytes(index));
            return hash.ToHashCode();
        }
    }
}
