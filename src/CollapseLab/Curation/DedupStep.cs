using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// Drops exact duplicates within a generation's samples (the same bytes: identical rows or token sequences), keeping
/// each item's first occurrence in sample order. A collapsing model repeats itself, so the share it drops grows as
/// the loop degenerates.
/// </summary>
public sealed class DedupStep : CurationStep
{
    public override string Name => "dedup";

    public override string Describe() => "dedup (exact)";

    public static CurationStep Read(SpecReader step) => new DedupStep();

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
        return keep.Count == samples.Count
            ? new CurationOutcome(samples)
            : new CurationOutcome(samples.Compose([new BatchPart(samples, keep.ToArray())])) { Indices = keep.ToArray() };
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
