using CollapseLab.Numerics;

namespace CollapseLab.Families;

/// <summary>A model that is one Gaussian N(μ, Σ), with Σ factored, so closed-form distances (W2, KL) apply.</summary>
public interface IGaussianForm : IMomentModel
{
    Cholesky Factor { get; }
}
