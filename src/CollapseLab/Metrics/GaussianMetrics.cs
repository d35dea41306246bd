using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Families.Gaussian;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics;

/// <summary>Closed-form distances between the Gaussian model and the real distribution's Gaussian (its moments).</summary>
public abstract class GaussianMetric : Metric
{
    public override string? Unsupported(IFamily family, ExperimentData data) =>
        family is GaussianFamily && data is RowData ? null : "is closed-form for the gaussian family only";
}

public sealed class W2Metric : GaussianMetric
{
    public override string Name => "w2";

    public override string Description => "2-Wasserstein distance to the real Gaussian, √(‖Δμ‖² + tr(Σ̂ + Σ − 2(Σ^½Σ̂Σ^½)^½))";

    public override double Compute(MetricContext context)
    {
        var model = (GaussianModel)context.Model;
        var real = (RowData)context.Data;
        var d = real.Dim;
        var meanTerm = 0.0;
        for (var i = 0; i < d; i++)
        {
            var e = model.Mean[i] - real.ReferenceMean[i];
            meanTerm += e * e;
        }
        double cross;
        if (d == 1)
        {
            cross = Math.Sqrt(Math.Max(model.Covariance[0], 0) * real.ReferenceCovariance[0]);
        }
        else
        {
            var rootReal = new SymmetricEigen(real.ReferenceCovariance, d).Sqrt();
            var inner = Multiply(Multiply(rootReal, model.Covariance, d), rootReal, d);
            cross = new SymmetricEigen(inner, d).Values.Sum(v => Math.Sqrt(Math.Max(v, 0)));
        }
        var traceTerm = 0.0;
        for (var i = 0; i < d; i++)
        {
            traceTerm += model.Covariance[i * d + i] + real.ReferenceCovariance[i * d + i];
        }
        return Math.Sqrt(Math.Max(meanTerm + traceTerm - 2 * cross, 0));
    }

    private static double[] Multiply(double[] a, double[] b, int d)
    {
        var c = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            for (var k = 0; k < d; k++)
            {
                var aik = a[i * d + k];
                for (var j = 0; j < d; j++)
                {
                    c[i * d + j] += aik * b[k * d + j];
                }
            }
        }
        return c;
    }
}

public sealed class KlMetric : GaussianMetric
{
    public override string Name => "kl";

    public override string Description => "KL(real ‖ model) in nats; +∞ once the model is singular";

    public override double Compute(MetricContext context)
    {
        var model = (GaussianModel)context.Model;
        var real = (RowData)context.Data;
        var d = real.Dim;
        if (!model.Factor.IsFullRank)
        {
            return double.PositiveInfinity;
        }
        var precision = model.Factor.Inverse();
        var trace = 0.0;
        for (var i = 0; i < d; i++)
        {
            for (var k = 0; k < d; k++)
            {
                trace += precision[i * d + k] * real.ReferenceCovariance[k * d + i];
            }
        }
        Span<double> work = stackalloc double[d];
        var mahalanobis = model.Factor.Mahalanobis2(real.ReferenceMean, model.Mean, work);
        var kl = 0.5 * (trace + mahalanobis - d + model.Factor.LogDeterminant - real.ReferenceFactor.LogDeterminant);
        return double.IsNaN(kl) ? double.PositiveInfinity : Math.Max(kl, 0);
    }
}
