using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Numerics;
using CollapseLab.Specs;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// Real data from a Gaussian mixture given by its parameters: <c>weights</c> (summing to 1), <c>means</c> (K rows
/// of d), and either <c>covariances</c> (K matrices d×d) or <c>std</c> (one number, or one per component, for
/// isotropic components). The mixture is kept as the exact truth. With <c>labels: true</c> every row carries the
/// component that drew it as its class.
/// </summary>
public static class MixtureSource
{
    public static Func<ulong, ExperimentData> Read(SpecReader data)
    {
        var weights = data.Doubles("weights") ?? throw data.Error("weights", "a mixture source needs weights, e.g. weights: [0.5, 0.5].");
        var means = data.Matrix("means") ?? throw data.Error("means", "a mixture source needs means: one row per component, e.g. means: [[0, 0], [4, 4]].");
        var k = weights.Length;
        if (means.Length != k)
        {
            throw data.Error("means", $"has {means.Length} rows but weights has {k} entries; give one mean per component.");
        }
        if (weights.Any(w => !(w > 0)))
        {
            throw data.Error("weights", "every weight must be greater than 0.");
        }
        if (Math.Abs(weights.Sum() - 1) > 1e-9)
        {
            throw data.Error("weights", $"sum to {weights.Sum():R}; mixture weights must sum to 1.");
        }
        var d = means[0].Length;
        var covariances = data.Has("covariances")
            ? ReadCovariances(data, k, d)
            : Isotropic(data, k, d);
        var (train, test) = SyntheticRowData.ReadSizes(data);
        var labels = data.Bool("labels", false);
        var truth = new GaussianComponents(d, weights, means.SelectMany(r => r).ToArray(), covariances);
        return seed => FromTruth(truth, train, test, seed, $"Gaussian mixture, K={k}, d={d}", labels);
    }

    /// <summary>Data sampled from <paramref name="truth"/>, which is kept for exact metrics; rows labelled by component when <paramref name="labels"/>.</summary>
    public static SyntheticRowData FromTruth(GaussianComponents truth, int train, int test, ulong seed, string description, bool labels = false)
    {
        var model = new MixtureModel(new MixtureParameters(CovarianceKind.Full, truth.Dim, truth.Weights, truth.Means, truth.Covariances));
        return labels
            ? new SyntheticRowData((count, key) => model.SampleLabelled(count, key, 1), truth, train, test, seed, description + ", labelled by component")
            : new SyntheticRowData((count, key) => (RowBatch)model.Sample(count, key, 1), truth, train, test, seed, description);
    }

    private static double[][] Isotropic(SpecReader data, int k, int d)
    {
        var std = data.Doubles("std") ?? [1.0];
        if (std.Length != 1 && std.Length != k)
        {
            throw data.Error("std", $"has {std.Length} entries; give one std for all components or one per component ({k}).");
        }
        if (std.Any(s => !(s > 0)))
        {
            throw data.Error("std", "every std must be greater than 0.");
        }
        return IsotropicCovariances(std, k, d);
    }

    /// <summary>σ_c²·I for each of k components, σ from <paramref name="std"/> (one for all, or one per component).</summary>
    public static double[][] IsotropicCovariances(double[] std, int k, int d) =>
        Enumerable.Range(0, k).Select(c =>
        {
            var s = std[std.Length == 1 ? 0 : c];
            var m = new double[d * d];
            for (var i = 0; i < d; i++)
            {
                m[i * d + i] = s * s;
            }
            return m;
        }).ToArray();

    private static double[][] ReadCovariances(SpecReader data, int k, int d)
    {
        const string example = "covariances: [[[1, 0], [0, 1]], [[2, 0.5], [0.5, 1]]]";
        if (data.Node("covariances") is not SpecList list || list.Items.Count != k)
        {
            throw data.Error("covariances", $"expected a list of {k} matrices (one per component), e.g. {example}.");
        }
        var result = new double[k][];
        var resolved = new List<object>();
        for (var c = 0; c < k; c++)
        {
            var key = $"{data.KeyPath("covariances")}[{c}]";
            if (list.Items[c] is not SpecList rows || rows.Items.Count != d || rows.Items.Any(r => r is not SpecList { Items.Count: var n } || n != d))
            {
                throw new SpecException(list.Items[c].Where, key, $"expected a {d}×{d} matrix (d = {d} from means), e.g. {example}.");
            }
            var m = new double[d * d];
            for (var i = 0; i < d; i++)
            {
                var row = (SpecList)rows.Items[i];
                for (var j = 0; j < d; j++)
                {
                    if (row.Items[j] is not SpecScalar s || !double.TryParse(s.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                    {
                        throw new SpecException(row.Items[j].Where, key, "expected a finite number in this matrix.");
                    }
                    m[i * d + j] = v;
                }
            }
            if (!Cholesky.IsPositiveDefinite(m, d))
            {
                throw new SpecException(list.Items[c].Where, key, "is not a symmetric positive-definite matrix (a covariance must be symmetric with all eigenvalues > 0). Check the entries, or add a small value to the diagonal.");
            }
            result[c] = m;
            resolved.Add(Enumerable.Range(0, d).Select(i => m.AsSpan(i * d, d).ToArray().ToList()).ToList());
        }
        data.Resolved["covariances"] = resolved;
        return result;
    }
}
