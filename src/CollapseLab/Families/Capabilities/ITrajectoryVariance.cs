using CollapseLab.Data;
using CollapseLab.Random;

namespace CollapseLab.Families;

/// <summary>
/// A model that denoises step by step (a diffusion model) and can say how unsteady its prediction of the clean
/// sample x̂₀ is near each of a batch's items: the items are noised to the start of the sampler's last
/// <c>steps</c> reverse steps, denoised again, and the variance of x̂₀ over those steps (summed over coordinates)
/// is the item's score. Aithal et al. 2024 find that hallucinated samples (between modes) score high.
/// </summary>
public interface ITrajectoryVariance : IModel
{
    /// <summary>The number of last reverse steps used when a caller does not say.</summary>
    int DefaultTrajectorySteps { get; }

    /// <summary>The largest <c>steps</c> this model accepts (its sampler's step count).</summary>
    int SamplerSteps { get; }

    /// <summary>One score per item of <paramref name="items"/>, drawn from <paramref name="stream"/> (chunked, so the bits do not depend on <paramref name="threads"/>).</summary>
    double[] TrajectoryVariance(DataBatch items, int steps, StreamKey stream, int threads);
}
