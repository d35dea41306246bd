using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CollapseLab.Data;
using CollapseLab.Random;

namespace CollapseLab.Metrics.Samples;

/// <summary>
/// The fixed-size row sets the sample-based metrics compare, so their cost is bounded whatever the data size.
/// The real side is a uniform subsample of the real test set drawn once per experiment seed (the same for every
/// generation, replicate and arm, so curves show the model moving and not the reference). The generated side is a
/// uniform subsample of the generation's samples — all of them when there are fewer — on a stream of the
/// generation shared by every sample metric, so precision, recall, MMD, … see the same rows.
/// </summary>
internal static class SampleSets
{
    private static readonly ConditionalWeakTable<ExperimentData, ConcurrentDictionary<(ulong Seed, string Key), object>> Cache = new();

    /// <summary>A value derived from the real data once per experiment seed (a subsample, radii, clusters …).</summary>
    public static T Real<T>(MetricContext context, string key, Func<T> make) where T : class =>
        (T)Cache.GetValue(context.Data, _ => new()).GetOrAdd((context.Stream.Seed, key), _ => make());

    /// <summary>Up to <paramref name="size"/> rows of the real test set, uniformly without replacement.</summary>
    public static RowBatch RealRows(MetricContext context, int size) => Real(context, $"rows:{size}", () =>
    {
        var test = (RowBatch)context.Data.Test;
        return Subsample(test, size, RealStream(context, "real-rows"));
    });

    /// <summary>A stream that depends on the experiment seed only (purpose: metric).</summary>
    public static StreamKey RealStream(MetricContext context, string use) =>
        new StreamKey(context.Stream.Seed, 0, 0, Purpose.Metric).Named("sample-sets").Named(use);

    /// <summary>Up to <paramref name="size"/> of this generation's samples, the same rows for every sample metric.</summary>
    public static RowBatch GeneratedRows(MetricContext context, int size)
    {
        var samples = (RowBatch)context.Samples;
        var key = new StreamKey(context.Stream.Seed, context.Stream.Replicate, context.Generation, Purpose.Metric).Named("sample-sets");
        return Subsample(samples, size, key);
    }

    private static RowBatch Subsample(RowBatch rows, int size, StreamKey key)
    {
        if (rows.Count <= size)
        {
            return rows;
        }
        var pick = key.Open().Choose(rows.Count, size);
        Array.Sort(pick);
        return (RowBatch)rows.Compose([new BatchPart(rows, pick)]);
    }
}

/// <summary>A metric computed from the generation's samples against the real test set, for any family over rows.</summary>
public abstract class SampleMetric : Metric
{
    public override string? Unsupported(Families.IFamily family, ExperimentData data) =>
        data is RowData && family.Kind == DataKind.Rows ? null : "compares numeric rows";
}
