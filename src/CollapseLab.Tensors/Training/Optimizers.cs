using System.Numerics.Tensors;

namespace CollapseLab.Tensors.Training;

/// <summary>Updates a <see cref="ParameterBlock"/> from its gradient.</summary>
public interface IOptimizer
{
    /// <summary>The learning rate of the next step; schedules set it before each step.</summary>
    float LearningRate { get; set; }

    void Step();
}

/// <summary>SGD with momentum as PyTorch's optim.SGD: buf = μ·buf + g (+ wd·p); p −= lr·buf.</summary>
public sealed class Sgd(ParameterBlock parameters, float learningRate, float momentum = 0f, float weightDecay = 0f) : IOptimizer
{
    private readonly float[] buffer = new float[parameters.Count];
    private bool started;

    public float LearningRate { get; set; } = learningRate;

    public void Step()
    {
        var p = parameters.Data;
        var g = parameters.Gradient;
        var d = weightDecay == 0f ? g : new float[g.Length];
        if (weightDecay != 0f)
        {
            TensorPrimitives.MultiplyAdd(p, weightDecay, g, d);
        }

        if (momentum == 0f)
        {
            TensorPrimitives.MultiplyAdd(d, -LearningRate, p, p);
            return;
        }

        if (started)
        {
            TensorPrimitives.MultiplyAdd(buffer, momentum, d, buffer);
        }
        else
        {
            d.CopyTo(buffer.AsSpan());
            started = true;
        }

        TensorPrimitives.MultiplyAdd(buffer, -LearningRate, p, p);
    }
}

/// <summary>
/// Adam and AdamW as PyTorch computes them: m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
/// p −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps). With decoupled weight decay (AdamW) p is first scaled by (1 − lr·wd),
/// only in slices that <paramref name="decays"/> selects (by default those of rank 2 or more, as nanoGPT).
/// </summary>
public sealed class Adam(ParameterBlock parameters, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f,
    float eps = 1e-8f, float weightDecay = 0f, Func<ParameterSlice, bool>? decays = null) : IOptimizer
{
    private readonly float[] m = new float[parameters.Count];
    private readonly float[] v = new float[parameters.Count];
    private readonly Func<ParameterSlice, bool> decays = decays ?? (s => s.Tensor.Rank >= 2);
    private int step;

    /// <summary>AdamW with decoupled weight decay.</summary>
    public static Adam W(ParameterBlock parameters, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f,
        float eps = 1e-8f, float weightDecay = 0.01f, Func<ParameterSlice, bool>? decays = null) =>
        new(parameters, learningRate, beta1, beta2, eps, weightDecay, decays);

    public float LearningRate { get; set; } = learningRate;

    public int Steps => step;

    public void Step()
    {
        step++;
        var bc1 = 1f - MathF.Pow(beta1, step);
        var bc2Sqrt = MathF.Sqrt(1f - MathF.Pow(beta2, step));
        var stepSize = LearningRate / bc1;
        if (weightDecay != 0f)
        {
            foreach (var slice in parameters.Slices)
            {
                if (decays(slice))
                {
                    var ps = slice.Tensor.Data;
                    TensorPrimitives.Multiply(ps, 1f - (LearningRate * weightDecay), ps);
                }
            }
        }

        var p = parameters.Data;
        var g = parameters.Gradient;
        const int Chunk = 4096;
        Span<float> denom = stackalloc float[Chunk];
        for (var s = 0; s < p.Length; s += Chunk)
        {
            var n = Math.Min(Chunk, p.Length - s);
            var gs = g.AsSpan(s, n);
            var ms = m.AsSpan(s, n);
            var vs = v.AsSpan(s, n);
            var d = denom[..n];
            // m = β1·m + (1−β1)·g
            TensorPrimitives.Multiply(ms, beta1, ms);
            TensorPrimitives.MultiplyAdd(gs, 1f - beta1, ms, ms);
            // v = β2·v + (1−β2)·g²
            TensorPrimitives.Multiply(vs, beta2, vs);
            TensorPrimitives.Multiply(gs, gs, d);
            TensorPrimitives.MultiplyAdd(d, 1f - beta2, vs, vs);
            // p −= stepSize · m / (√v/bc2 + eps)
            TensorPrimitives.Sqrt(vs, d);
            TensorPrimitives.Divide(d, bc2Sqrt, d);
            TensorPrimitives.Add(d, eps, d);
            TensorPrimitives.Divide(ms, d, d);
            var ps = p.AsSpan(s, n);
            TensorPrimitives.MultiplyAdd(d, -stepSize, ps, ps);
        }
    }
}

/// <summary>Gradient-norm clipping and learning-rate schedules.</summary>
public static class TrainingUtilities
{
    /// <summary>
    /// Scales the whole gradient so that its L2 norm is at most <paramref name="maxNorm"/>, as
    /// torch.nn.utils.clip_grad_norm_ (coefficient maxNorm/(norm + 1e-6), capped at 1). Returns the norm before clipping.
    /// </summary>
    public static float ClipGradNorm(ParameterBlock parameters, float maxNorm)
    {
        var g = parameters.Gradient;
        var sum = 0.0;
        const int Chunk = 4096;
        for (var s = 0; s < g.Length; s += Chunk)
        {
            sum += TensorPrimitives.SumOfSquares(g.AsSpan(s, Math.Min(Chunk, g.Length - s)));
        }

        var norm = (float)Math.Sqrt(sum);
        var coef = maxNorm / (norm + 1e-6f);
        if (coef < 1f)
        {
            TensorPrimitives.Multiply(g, coef, g);
        }

        return norm;
    }

    /// <summary>
    /// Linear warm-up from 0 to <paramref name="maxLr"/> over <paramref name="warmupSteps"/>, then cosine decay to
    /// <paramref name="minLr"/> at <paramref name="decaySteps"/>, constant after (nanoGPT's get_lr). step counts from 0.
    /// </summary>
    public static float WarmupCosine(int step, float maxLr, float minLr, int warmupSteps, int decaySteps)
    {
        if (step < warmupSteps)
        {
            return maxLr * (step + 1) / warmupSteps;
        }

        if (step >= decaySteps)
        {
            return minLr;
        }

        var ratio = (double)(step - warmupSteps) / Math.Max(1, decaySteps - warmupSteps);
        var coeff = 0.5 * (1.0 + Math.Cos(Math.PI * ratio));
        return (float)(minLr + (coeff * (maxLr - minLr)));
    }
}
