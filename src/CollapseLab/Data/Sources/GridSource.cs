using CollapseLab.Families.Mixture;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// A k × k grid of equal-weight isotropic Gaussians in 2-D (Aithal et al. 2024 use 5 × 5): means at
/// ((i − (k−1)/2)·spacing, (j − (k−1)/2)·spacing), each with standard deviation <c>std</c>. The mixture is kept
/// as the exact truth, so mode coverage and hallucination rate are measured against the true modes.
/// </summary>
public static class GridSource
{
    public static Func<ulong, ExperimentData> Read(SpecReader data)
    {
        var k = data.Int("k", 5, min: 1, max: 100);
        var spacing = data.Double("spacing", 1.0, min: 0, exclusiveMin: true);
        var std = data.Double("std", 0.05, min: 0, exclusiveMin: true);
        var (train, test) = SyntheticRowData.ReadSizes(data);
        var means = new double[k * k * 2];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                means[((i * k) + j) * 2] = (i - ((k - 1) / 2.0)) * spacing;
                means[(((i * k) + j) * 2) + 1] = (j - ((k - 1) / 2.0)) * spacing;
            }
        }

        var truth = new GaussianComponents(2, Enumerable.Repeat(1.0 / (k * k), k * k).ToArray(), means,
            MixtureSource.IsotropicCovariances([std], k * k, 2));
        return seed => MixtureSource.FromTruth(truth, train, test, seed, $"{k}×{k} grid of Gaussians, spacing {spacing:G4}, std {std:G4}");
    }
}
