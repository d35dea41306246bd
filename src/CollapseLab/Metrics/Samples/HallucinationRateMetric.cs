using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics.Samples;

/// <summary>
/// Share of samples farther than <c>sigmas</c> standard deviations from every mode of a source with known
/// components (grid, mixture, blobs): Mahalanobis distance to each component's mean above <c>sigmas</c>. These
/// are Aithal et al.'s hallucinations, samples between or outside the modes. Real data scores the mass of a
/// Gaussian beyond that radius; for 2-D isotropic components well apart that is exp(−sigmas²/2), 1.1% at 3σ.
/// </summary>
public sealed class HallucinationRateMetric(double sigmas = 3) : Metric
{
    public override string Name => sigmas == 3 ? "hallucination_rate" : $"hallucination_rate_{sigmas:G4}sigma";

    public override string Description => $"share of samples more than {sigmas:G4}σ (Mahalanobis) from every true mode (lower is better)";

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        MixtureTruth.Of(data) is null || family.Kind != DataKind.Rows
            ? "needs a source with known Gaussian components (grid, mixture, blobs)"
            : null;

    public override double Compute(MetricContext context)
    {
        var truth = MixtureTruth.Of(context.Data)!;
        var factors = SampleSets.Real(context, "hallucination:factors",
            () => truth.Covariances.Select(c => new Cholesky(c, truth.Dim)).ToArray());
        return Rate((RowBatch)context.Samples, truth.Means, factors, sigmas);
    }

    /// <summary>The share of <paramref name="rows"/> beyond <paramref name="sigmas"/> of every component.</summary>
    public static double Rate(RowBatch rows, double[] means, Cholesky[] factors, double sigmas)
    {
        var d = rows.Dim;
        var limit = sigmas * sigmas;
        var work = new double[d];
        var outside = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var near = false;
            for (var c = 0; c < factors.Length && !near; c++)
            {
                near = factors[c].Mahalanobis2(rows.Row(i), means.AsSpan(c * d, d), work) <= limit;
            }

            outside += near ? 0 : 1;
        }

        return rows.Count == 0 ? 0 : (double)outside / rows.Count;
    }
}
