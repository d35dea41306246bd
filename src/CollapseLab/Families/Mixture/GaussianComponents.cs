namespace CollapseLab.Families.Mixture;

/// <summary>
/// A Gaussian mixture as plain parameters: weights w_k, means μ_k (K×d row-major) and full covariances Σ_k
/// (each row-major d×d). The common form of fitted mixtures, Gaussian models (K = 1) and the exact truth of
/// synthetic sources, so that closed-form distances and component matching need only this.
/// </summary>
public sealed record GaussianComponents(int Dim, double[] Weights, double[] Means, double[][] Covariances)
{
    public int Count => Weights.Length;

    public ReadOnlySpan<double> Mean(int k) => Means.AsSpan(k * Dim, Dim);

    /// <summary>Mixture mean Σ_k w_k μ_k.</summary>
    public double[] MixtureMean()
    {
        var mean = new double[Dim];
        for (var k = 0; k < Count; k++)
        {
            for (var j = 0; j < Dim; j++)
            {
                mean[j] += Weights[k] * Means[k * Dim + j];
            }
        }
        return mean;
    }

    /// <summary>Mixture covariance Σ_k w_k (Σ_k + (μ_k − μ)(μ_k − μ)ᵀ), row-major d×d.</summary>
    public double[] MixtureCovariance()
    {
        var d = Dim;
        var mean = MixtureMean();
        var cov = new double[d * d];
        for (var k = 0; k < Count; k++)
        {
            var w = Weights[k];
            for (var a = 0; a < d; a++)
            {
                var ea = Means[k * d + a] - mean[a];
                for (var b = 0; b < d; b++)
                {
                    cov[a * d + b] += w * (Covariances[k][a * d + b] + ea * (Means[k * d + b] - mean[b]));
                }
            }
        }
        return cov;
    }

    /// <summary>tr(Σ_k)/d: the mean variance per dimension of component k.</summary>
    public double Spread(int k)
    {
        var t = 0.0;
        for (var j = 0; j < Dim; j++)
        {
            t += Covariances[k][j * Dim + j];
        }
        return t / Dim;
    }
}
