using CollapseLab.Theory;
using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Specs;

namespace CollapseLab.Families.Regression;

/// <summary>
/// Linear regression as a supervised collapse model (Kazdan et al.; Dohmatob et al.; Gerstgrasser et al.). Rows are
/// (x₁…x_d, y). Each generation fits ŵ by OLS or ridge; its samples are new labels ŷ = x·ŵ + ε, ε ~ N(0, σ̂²), on
/// the fixed design X₀ (the chain's real pool, reused every generation) or on fresh features from the data
/// source's design distribution. σ̂² is the fitted residual variance RSS/(n − p), or the source's known σ².
/// </summary>
public sealed record LinearRegressionFamily(
    RegressionEstimator Estimator,
    double Alpha,
    RegressionDesign Design,
    bool KnownNoise,
    bool Intercept) : IFamily
{
    public static FamilyRegistration Registration { get; } = new("linear_regression", Read,
        [Capabilities.LinearPredictor],
        "data: { source: linear, dim: 2, train: 40, test: 200 }\nmodel: { family: linear_regression }")
    {
        Theory = [new FunctionTheory(RegressionTheory.Predict)],
    };

    public static readonly string[] Estimators = ["ols", "ridge"];
    public static readonly string[] Designs = ["fixed", "fresh"];
    public static readonly string[] NoiseKinds = ["fitted", "known"];

    public string Name => "linear_regression";

    public bool RecyclesSamples => true;

    public DataKind Kind => DataKind.Rows;

    public IReadOnlyList<string> DefaultMetrics => ["test_mse", "weight_error"];

    public static LinearRegressionFamily Read(SpecReader model)
    {
        var estimator = model.Choice("estimator", "ols", Estimators) == "ols" ? RegressionEstimator.Ols : RegressionEstimator.Ridge;
        var alpha = 0.0;
        if (estimator == RegressionEstimator.Ridge)
        {
            alpha = model.Double("alpha", 1.0, min: 0, exclusiveMin: true);
        }
        else if (model.Has("alpha"))
        {
            throw model.Error("alpha", "is the ridge penalty; it needs estimator: ridge (OLS has no penalty).");
        }
        var design = model.Choice("design", "fixed", Designs) == "fixed" ? RegressionDesign.Fixed : RegressionDesign.Fresh;
        var known = model.Choice("noise", "fitted", NoiseKinds) == "known";
        var intercept = model.Bool("intercept", false);
        return new LinearRegressionFamily(estimator, alpha, design, known, intercept);
    }

    /// <summary>Coefficients fitted: one per feature, plus the intercept.</summary>
    public int Coefficients(int features) => features + (Intercept ? 1 : 0);

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (data is not RowData { Dim: >= 2 } rows)
        {
            throw model.Error("family", "linear_regression needs rows of at least two columns: features x₁…x_d, then the target y last.");
        }
        if (data is not LinearData)
        {
            if (Design == RegressionDesign.Fresh)
            {
                throw model.Error("design", "design: fresh draws new features from the data source's design distribution, which only data.source: linear defines. Use design: fixed for other data.");
            }
            if (KnownNoise)
            {
                throw model.Error("noise", "noise: known takes σ² from the data source's truth, which only data.source: linear defines. Use noise: fitted for other data.");
            }
        }
        if (Estimator == RegressionEstimator.Ridge)
        {
            return;
        }
        var d = rows.Dim - 1;
        var p = Coefficients(d);
        if (smallestTrainingSet < p)
        {
            throw model.Error("estimator",
                $"the design matrix is singular: OLS fits {p} coefficients but the smallest training set has {smallestTrainingSet} rows (data.train, samples_per_generation or the policy's size), so XᵀX has rank at most {smallestTrainingSet}. Use at least {p} rows, or estimator: ridge with alpha > 0.");
        }
        if (!LeastSquares.IsFullRank(PopulationGram(rows, d), p))
        {
            throw model.Error("estimator",
                "the design matrix is singular: some feature columns of the real data are constant or linear combinations of others (e.g. duplicated), so XᵀX cannot be inverted. Drop the redundant columns, or use estimator: ridge with alpha > 0.");
        }
    }

    /// <summary>E[x̃x̃ᵀ] of the real data's design x̃ (x, then 1 with an intercept), from its reference moments.</summary>
    private double[] PopulationGram(RowData rows, int d)
    {
        var p = Coefficients(d);
        var k = rows.Dim;
        var gram = new double[p * p];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                gram[i * p + j] = rows.ReferenceCovariance[i * k + j] + rows.ReferenceMean[i] * rows.ReferenceMean[j];
            }
            if (Intercept)
            {
                gram[i * p + d] = gram[d * p + i] = rows.ReferenceMean[i];
            }
        }
        if (Intercept)
        {
            gram[d * p + d] = 1;
        }
        return gram;
    }

    public IModel Fit(DataBatch train, FitContext context)
    {
        var rows = (RowBatch)train;
        var n = rows.Count;
        var d = rows.Dim - 1;
        var p = Coefficients(d);
        if (n == 0)
        {
            throw new InvalidOperationException("cannot fit a regression to an empty training set");
        }
        // With an intercept, centre x and y: the intercept is then ȳ − x̄·ŵ and is not penalised by ridge.
        var xMean = new double[d];
        var yMean = 0.0;
        if (Intercept)
        {
            for (var i = 0; i < n; i++)
            {
                var row = rows.Row(i);
                for (var j = 0; j < d; j++)
                {
                    xMean[j] += row[j];
                }
                yMean += row[d];
            }
            for (var j = 0; j < d; j++)
            {
                xMean[j] /= n;
            }
            yMean /= n;
        }
        var gram = new double[d * d];
        var moment = new double[d];
        var centred = new double[d];
        for (var i = 0; i < n; i++)
        {
            var row = rows.Row(i);
            for (var j = 0; j < d; j++)
            {
                centred[j] = row[j] - xMean[j];
            }
            var y = row[d] - yMean;
            for (var a = 0; a < d; a++)
            {
                moment[a] += centred[a] * y;
                for (var b = 0; b <= a; b++)
                {
                    gram[a * d + b] += centred[a] * centred[b];
                }
            }
        }
        for (var a = 0; a < d; a++)
        {
            for (var b = 0; b < a; b++)
            {
                gram[b * d + a] = gram[a * d + b];
            }
        }
        var (weights, rank) = LeastSquares.Solve(gram, moment, Alpha);
        var intercept = Intercept ? yMean - LinearTruth.Dot(xMean, weights) : 0.0;

        var rss = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = rows.Row(i);
            var e = row[d] - intercept - LinearTruth.Dot(row, weights);
            rss += e * e;
        }
        var truth = (context.RealData as LinearData)?.Truth;
        var noise = KnownNoise
            ? truth?.NoiseVariance ?? throw new InvalidOperationException("noise: known needs the linear source's truth")
            : rss / (n > p ? n - p : n);
        var design = Design == RegressionDesign.Fixed
            ? (RowBatch)context.RealPool
            : null;
        if (Design == RegressionDesign.Fresh && truth is null)
        {
            throw new InvalidOperationException("design: fresh needs the linear source's truth");
        }
        var degeneracy = rank < d
            ? $"design matrix has rank {rank} of {d}; the minimum-norm solution was used"
            : noise == 0 ? "label noise variance is zero" : null;
        return new LinearRegressionModel(weights, intercept, noise, design, truth, degeneracy);
    }
}

public enum RegressionEstimator
{
    Ols,
    Ridge,
}

public enum RegressionDesign
{
    /// <summary>X₀ (the chain's real pool) is reused every generation; only labels are regenerated.</summary>
    Fixed,

    /// <summary>New features are drawn from the data source's design distribution every generation.</summary>
    Fresh,
}
