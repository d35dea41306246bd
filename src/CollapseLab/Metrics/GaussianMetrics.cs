using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics;

/// <summary>Closed-form distances between the Gaussian model and the real distribution's Gaussian (its moments).</summary>
public abstract class GaussianMetric : RowMetric, ILockstepMetric
{
    public override IReadOnlyList<Capability> Requires => [Capabilities.GaussianForm];

    public override double Compute(MetricContext context)
    {
        var model = (IGaussianForm)context.Model;
        return Compute(new Gaussian(model.Mean, model.Covariance, model, null, 0), (RowData)context.Data);
    }

    public bool Supports(IChainBlock block, ExperimentData data) => block is IGaussianBlock && data is RowData;

    public void Compute(in LockstepMetricContext context, Span<double> destination)
    {
        var block = (IGaussianBlock)context.Block;
        var real = (RowData)context.Data;
        for (var c = 0; c < destination.Length; c++)
        {
            destination[c] = Compute(new Gaussian(block.Mean(c), block.Covariance(c), null, block, c), real);
        }
    }

    /// <summary>One chain's N(μ̂, Σ̂), from a model or a lockstep block; the factor is taken only by metrics that read it.</summary>
    protected readonly ref struct Gaussian(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance, IGaussianForm? model, IGaussianBlock? block, int chain)
    {
        public ReadOnlySpan<double> Mean { get; } = mean;

        /// <summary>Row-major d×d.</summary>
        public ReadOnlySpan<double> Covariance { get; } = covariance;

        public Cholesky Factor => model?.Factor ?? block!.Factor(chain);
    }

    protected abstract double Compute(Gaussian model, RowData real);
}

public sealed class W2Metric : GaussianMetric
{
    public override string Name => "w2";

    public override string Description => "2-Wasserstein distance to the real Gaussian, √(‖Δμ‖² + tr(Σ̂ + Σ − 2(Σ^½Σ̂Σ^½)^½))";

    protected override double Compute(Gaussian model, RowData real)
    {
        if (real.Dim == 1)
        {
            // 1-D closed form, the hot case of long scalar chains: (μ̂ − μ)² + (σ̂ − σ)².
            var dm = model.Mean[0] - real.ReferenceMean[0];
            var ds = Math.Sqrt(Math.Max(model.Covariance[0], 0)) - Math.Sqrt(real.ReferenceCovariance[0]);
            return Math.Sqrt(dm * dm + ds * ds);
        }
        var rootReal = new SymmetricEigen(real.ReferenceCovariance, real.Dim).Sqrt();
        return Math.Sqrt(GaussianFrechet.Squared(real.ReferenceMean, real.ReferenceCovariance, rootReal, model.Mean, model.Covariance));
    }
}

public sealed class KlMetric : GaussianMetric
{
    public override string Name => "kl";

    public override string Description => "KL(real ‖ model) in nats; +∞ once the model is singular";

    protected override double Compute(Gaussian model, RowData real)
    {
        var d = real.Dim;
        var factor = model.Factor;
        if (!factor.IsFullRank)
        {
            return double.PositiveInfinity;
        }
        var precision = factor.Inverse();
        var trace = 0.0;
        for (var i = 0; i < d; i++)
        {
            for (var k = 0; k < d; k++)
            {
                trace += precision[i * d + k] * real.ReferenceCovariance[k * d + i];
            }
        }
        Span<double> work = stackalloc double[d];
        var mahalanobis = factor.Mahalanobis2(real.ReferenceMean, model.Mean, work);
        var kl = 0.5 * (trace + mahalanobis - d + factor.LogDeterminant - real.ReferenceFactor.LogDeterminant);
        return double.IsNaN(kl) ? double.PositiveInfinity : Math.Max(kl, 0);
    }
}
