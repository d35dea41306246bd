using CollapseLab.Families.Mixture;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// Isotropic Gaussian blobs (scikit-learn's make_blobs, as a mixture): <c>centers</c> is a number of blobs (their
/// centres drawn uniformly in <c>center_box</c>, seeded by the experiment seed) or a matrix of centres; <c>std</c>
/// one spread or one per blob; <c>weights</c> equal unless given. The mixture is kept as the exact truth;
/// <c>labels: true</c> labels each row with its blob.
/// </summary>
public static class BlobsSource
{
    public static Func<ulong, ExperimentData> Read(SpecReader data)
    {
        double[][]? given = null;
        int k;
        int d;
        if (data.Node("centers") is SpecList)
        {
            given = data.Matrix("centers")!;
            k = given.Length;
            d = data.Int("dim", given[0].Length, min: 1, max: 4096);
            if (d != given[0].Length)
            {
                throw data.Error("dim", $"is {d} but each centre in centers has {given[0].Length} coordinates; drop dim or make them agree.");
            }
        }
        else
        {
            k = data.Int("centers", 3, min: 1, max: 10_000);
            d = data.Int("dim", 2, min: 1, max: 4096);
        }
        var box = data.Doubles("center_box") ?? [-10.0, 10.0];
        if (box.Length != 2 || !(box[0] < box[1]))
        {
            throw data.Error("center_box", "expected [low, high] with low < high, e.g. center_box: [-10, 10].");
        }
        var std = data.Doubles("std") ?? [1.0];
        if ((std.Length != 1 && std.Length != k) || std.Any(s => !(s > 0)))
        {
            throw data.Error("std", $"expected one std > 0, or one per blob ({k}).");
        }
        var weights = data.Doubles("weights") ?? Enumerable.Repeat(1.0 / k, k).ToArray();
        if (weights.Length != k || weights.Any(w => !(w > 0)) || Math.Abs(weights.Sum() - 1) > 1e-9)
        {
            throw data.Error("weights", $"expected {k} weights > 0 that sum to 1.");
        }
        var (train, test) = SyntheticRowData.ReadSizes(data);
        var labels = data.Bool("labels", false);
        var covariances = MixtureSource.IsotropicCovariances(std, k, d);
        return seed =>
        {
            var means = given?.SelectMany(r => r).ToArray() ?? RandomCentres(k, d, box, seed);
            var truth = new GaussianComponents(d, weights, means, covariances);
            return MixtureSource.FromTruth(truth, train, test, seed, $"blobs, K={k}, d={d}, std={string.Join("/", std)}", labels);
        };
    }

    private static double[] RandomCentres(int k, int d, double[] box, ulong seed)
    {
        // Replicate −1 keeps this stream apart from every chain's.
        var rng = new StreamKey(seed, -1, 0, Purpose.Init).Open();
        var means = new double[k * d];
        for (var i = 0; i < means.Length; i++)
        {
            means[i] = box[0] + (box[1] - box[0]) * rng.NextDouble();
        }
        return means;
    }
}
