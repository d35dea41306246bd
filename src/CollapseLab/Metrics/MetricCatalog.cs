using CollapseLab.Data;
using CollapseLab.Families;

namespace CollapseLab.Metrics;

/// <summary>The registry of metrics by name.</summary>
public static class MetricCatalog
{
    private static readonly Metric[] All =
    [
        new MeanSquaredErrorMetric(),
        new TraceRatioMetric(),
        new LogDetRatioMetric(),
        new VarianceMetric(),
        new W2Metric(),
        new KlMetric(),
        new TailMassMetric(),
        new TestNllMetric(),
        new CollapsedMetric(),
        new RealShareMetric(),
        new TestMseMetric(),
        new WeightErrorMetric(),
        new Samples.SlicedWassersteinMetric(),
        new Samples.MmdMetric(),
        new Samples.PrecisionMetric(),
        new Samples.RecallMetric(),
        new Samples.PrecisionMetric(5),
        new Samples.RecallMetric(5),
        new Samples.ModeCoverageMetric(),
        new L2ToRealMetric(),
        new L2ToModel0Metric(),
        new MinComponentWeightMetric(),
        new MaxWeightErrorMetric(),
        new MaxMeanShiftMetric(),
        new MinSpreadRatioMetric(),
        new MaxSpreadRatioMetric(),
        new EmptyComponentsMetric(),
        new ActiveComponentsMetric(),
        new EmIterationsMetric(),
        new TestPerplexityMetric(),
        new PerplexityUnderModel0Metric(),
        new DistinctMetric(1),
        new DistinctMetric(2),
        new DistinctMetric(3),
        new TypeTokenRatioMetric(),
        new VocabularyCoverageMetric(),
        new UnigramEntropyMetric(),
        new ZipfExponentMetric(),
        new TailShareMetric(),
        new TailProbabilityMetric(),
        new TypesLostMetric(),
        new GiniImpurityMetric(),
        new KlToTruthMetric(),
        new Images.FrechetDistanceMetric(), new Images.ClassEntropyMetric(), new Images.ClassesPresentMetric(),
        new Images.FeaturePrecisionRecallMetric(recall: false), new Images.FeaturePrecisionRecallMetric(recall: true), new Images.PixelVarianceMetric(), new Images.ClassifierAccuracyMetric(),
    ];

    private static readonly Dictionary<string, Metric> ByName = All.ToDictionary(m => m.Name);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static Metric? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Names of the metrics that can be computed for this family and data.</summary>
    public static IEnumerable<string> Available(IFamily family, ExperimentData data) =>
        All.Where(m => m.Unsupported(family, data) is null).Select(m => m.Name);
}
