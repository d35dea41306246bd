using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families;
using CollapseLab.Families.Regression;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// A verifier of supervised samples (Feng et al. 2024): it keeps a sample when it agrees with the sample's label.
/// <list type="bullet">
/// <item>Classes (labelled rows: a mixture or blobs source with labels: true, a model that samples labelled rows): the
/// verifier's class is the truth's Bayes class, argmax_c w_c·N(x; μ_c, Σ_c) (<c>verifier: oracle</c>), or that of a
/// linear discriminant fitted on the replicate's real pool (<c>verifier: classifier</c>, on its first <c>train</c> rows).</item>
/// <item>Regression rows (x, y): the verifier accepts y within <c>tolerance</c>·σ of the truth f(x) (oracle; needs a
/// source with a known target), or within tolerance·σ̂ of a least-squares fit with intercept on the real pool
/// (classifier; σ̂ its residual sd).</item>
/// </list>
/// Each verdict is then flipped with probability <c>flip</c> q, one uniform per sample from the step's stream, drawn
/// whatever q (so arms differing in q share their draws): an oracle with flip q keeps a correct label with probability
/// 1 − q and a wrong one with probability q. O(n·K·d²) verdicts; the classifier's fit is O(n_train·d²) per generation.
/// </summary>
public sealed class LabelVerifyStep(bool oracle, double flip, int? train, double tolerance) : CurationStep
{
    public override string Name => "verify";

    public override string Describe() => FormattableString.Invariant(
        $"verify labels by {(oracle ? "the truth (oracle)" : train is { } n ? $"a classifier fitted on {n} real rows" : "a classifier fitted on the real pool")}{(flip > 0 ? $", verdicts flipped with q = {flip:G4}" : "")}");

    public static CurationStep Read(SpecReader step, bool oracle) => new LabelVerifyStep(oracle,
        step.Double("flip", 0, min: 0, max: 1),
        oracle ? null : step.OptionalInt("train", min: 2),
        step.Double("tolerance", 2, min: 0, exclusiveMin: true));

    private static bool Labelled(ExperimentData data) => data.Test is RowBatch { Labels: not null };

    public override bool NeedsLabels(ExperimentData data) => Labelled(data);

    public override string? Unsupported(ExperimentData data, int samples)
    {
        if (data.Test is not RowBatch test)
        {
            return $"with verifier: {(oracle ? "oracle" : "classifier")} checks labelled rows or regression rows (x, y); this data ({data.Describe()}) is not rows. Use verifier: density, or a row source.";
        }
        if (train is { } n && n > data.PoolSize)
        {
            return $"train is {n} but the real pool has {data.PoolSize} rows; lower train or raise data.train.";
        }
        if (Labelled(data))
        {
            return !oracle || (data as IKnownTruth)?.TruthDensity is IClassConditional ? null
                : $"with verifier: oracle needs the data's exact classes; this data ({data.Describe()}) has none. Use verifier: classifier.";
        }
        if (test.Dim < 2)
        {
            return $"checks a regression target (x, y) in the last column, or labels; this data ({data.Describe()}) has one column and no labels. Use a mixture source with labels: true, or verifier: density.";
        }
        if (oracle && data is not IKnownTarget)
        {
            return $"with verifier: oracle on regression rows needs the data's exact target (source: linear); this data ({data.Describe()}) has none. Use verifier: classifier.";
        }
        var rows = train ?? data.PoolSize;
        return oracle || rows > test.Dim ? null
            : $"fits a least-squares verifier with {test.Dim} coefficients on {rows} real rows, which needs more rows than coefficients; raise {(train is null ? "data.train" : "train")}.";
    }

    public override CurationOutcome Apply(CurationInput input)
    {
        var x = (RowBatch)input.Samples;
        var labelled = Labelled(input.Data);
        if (labelled && x.Labels is null)
        {
            throw new InvalidOperationException("the verify step was given unlabelled samples; the spec check requires a family that samples labels.");
        }
        var (agree, measures) = labelled ? VerifyClasses(x, input) : VerifyTargets(x, input);
        var rng = input.Stream.Open();
        var keep = new List<int>();
        for (var i = 0; i < x.Count; i++)
        {
            if (agree[i] != rng.NextDouble() < flip)
            {
                keep.Add(i);
            }
        }
        var kept = keep.ToArray();
        measures.AddRange(ErrorAfter(measures, kept).ToList());
        return CurationOutcome.Keep(x, kept) with { Measures = measures.Select(m => (m.Name, m.Value)).ToList() };
    }

    /// <summary>Per sample, whether the verifier's class is its label; the share of wrong labels (against the truth) before, and the verifier's real test accuracy.</summary>
    private (bool[] Agree, List<Measure> Measures) VerifyClasses(RowBatch x, CurationInput input)
    {
        var labels = x.Labels!;
        var truth = (input.Data as IKnownTruth)?.TruthDensity as IClassConditional;
        var measures = new List<Measure>();
        Func<int, int> verifier;
        if (oracle)
        {
            verifier = i => truth!.Classify(x.Row(i));
        }
        else
        {
            var pool = Pool(input);
            var test = (RowBatch)input.Data.Test;
            var classes = Math.Max(pool.Labels!.Max(), test.Labels!.Max()) + 1;
            var discriminant = new LinearDiscriminant(pool, classes);
            measures.Add(new("verifier_accuracy", discriminant.Accuracy(test), null));
            verifier = i => discriminant.Classify(x.Row(i));
        }
        var agree = Enumerable.Range(0, x.Count).Select(i => verifier(i) == labels[i]).ToArray();
        if (truth is not null)
        {
            var wrong = Enumerable.Range(0, x.Count).Select(i => truth.Classify(x.Row(i)) != labels[i]).ToArray();
            measures.Add(new("label_error_before", Share(wrong, null), wrong));
        }
        return (agree, measures);
    }

    /// <summary>Per sample, whether y is within tolerance of the verifier's prediction; the mean squared error of y against the true target before.</summary>
    private (bool[] Agree, List<Measure> Measures) VerifyTargets(RowBatch x, CurationInput input)
    {
        var d = x.Dim - 1;
        var known = input.Data as IKnownTarget;
        Func<ReadOnlySpan<double>, double> predict;
        double sd;
        if (oracle)
        {
            predict = known!.TrueTarget;
            sd = known.NoiseSd;
        }
        else
        {
            (predict, sd) = FitLeastSquares(Pool(input));
        }
        // With σ = 0 the tolerance is absolute.
        var band = tolerance * (sd > 0 ? sd : 1);
        var agree = new bool[x.Count];
        var squared = new double[x.Count];
        for (var i = 0; i < x.Count; i++)
        {
            var row = x.Row(i);
            agree[i] = Math.Abs(row[d] - predict(row[..d])) <= band;
            if (known is not null)
            {
                var e = row[d] - known.TrueTarget(row[..d]);
                squared[i] = e * e;
            }
        }
        var measures = new List<Measure>();
        if (known is not null)
        {
            measures.Add(new("target_sq_error_before", squared.Length == 0 ? 0 : squared.Average(), null) { Values = squared });
        }
        return (agree, measures);
    }

    /// <summary>The "…_before" measures restated over the kept samples as "…_after".</summary>
    private static IEnumerable<Measure> ErrorAfter(List<Measure> measures, int[] kept) => measures
        .Where(m => m.Name.EndsWith("_before", StringComparison.Ordinal) && (m.Flags is not null || m.Values is not null))
        .Select(m => new Measure(m.Name.Replace("_before", "_after", StringComparison.Ordinal),
            m.Flags is { } flags ? Share(flags, kept) : kept.Length == 0 ? 0 : kept.Average(i => m.Values![i]), null));

    private static double Share(bool[] flags, int[]? among)
    {
        var indices = among ?? Enumerable.Range(0, flags.Length).ToArray();
        return indices.Length == 0 ? 0 : (double)indices.Count(i => flags[i]) / indices.Length;
    }

    private RowBatch Pool(CurationInput input)
    {
        var pool = (RowBatch)input.Data.Pool(input.Stream.Seed, input.Stream.Replicate);
        return train is { } n && n < pool.Count ? (RowBatch)pool.Compose([new BatchPart(pool, Enumerable.Range(0, n).ToArray())]) : pool;
    }

    /// <summary>y ≈ b + x·w by least squares on rows (x, y); σ̂² = RSS/(n − d − 1).</summary>
    private static (Func<ReadOnlySpan<double>, double> Predict, double Sd) FitLeastSquares(RowBatch rows)
    {
        var d = rows.Dim - 1;
        var p = d + 1;
        var gram = new double[p * p];
        var moment = new double[p];
        Span<double> z = stackalloc double[p];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows.Row(i);
            z[0] = 1;
            row[..d].CopyTo(z[1..]);
            for (var a = 0; a < p; a++)
            {
                moment[a] += z[a] * row[d];
                for (var b = 0; b < p; b++)
                {
                    gram[a * p + b] += z[a] * z[b];
                }
            }
        }
        var (w, _) = LeastSquares.Solve(gram, moment, 0);
        double Predict(ReadOnlySpan<double> x) => w[0] + LinearTruth.Dot(x, w.AsSpan(1));
        var rss = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            var e = rows.Row(i)[d] - Predict(rows.Row(i)[..d]);
            rss += e * e;
        }
        return (Predict, Math.Sqrt(rss / Math.Max(rows.Count - p, 1)));
    }

    /// <summary>A figure, with per-sample flags (shares) or values (means) to restate it over the survivors.</summary>
    private sealed record Measure(string Name, double Value, bool[]? Flags)
    {
        public double[]? Values { get; init; }
    }
}
