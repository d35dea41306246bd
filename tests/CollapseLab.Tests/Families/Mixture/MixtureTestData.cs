using CollapseLab.Data;
using CollapseLab.Families.Mixture;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Families.Mixture;

internal static class MixtureTestData
{
    /// <summary>Three well-separated 2-D components with different shapes and weights.</summary>
    public static GaussianComponents Truth() => new(2, [0.5, 0.3, 0.2], [0, 0, 6, 1, -4, 5],
        [[1.0, 0.4, 0.4, 0.8], [0.5, 0, 0, 1.5], [0.7, -0.2, -0.2, 0.4]]);

    public static MixtureModel Model(GaussianComponents c) =>
        new(new MixtureParameters(CovarianceKind.Full, c.Dim, c.Weights, c.Means, c.Covariances));

    public static RowBatch Sample(GaussianComponents c, int n, ulong seed) =>
        (RowBatch)Model(c).Sample(n, new StreamKey(seed, 0, 0, Purpose.RealPool), 1);

    public static MixtureFamily Family(int k, CovarianceKind kind = CovarianceKind.Full, MixtureInit init = MixtureInit.KMeansPlusPlus) =>
        new(k, kind, init, 1, 1e-6, 500, 1e-6, EmptyComponentAction.Drop);

    public static ExperimentSpec Load(string yaml) =>
        SpecLoader.Load(SpecParser.ParseDocument(yaml, "test.yaml"), Path.GetTempPath());
}
