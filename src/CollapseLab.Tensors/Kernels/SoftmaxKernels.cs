using System.Numerics.Tensors;

namespace CollapseLab.Tensors.Kernels;

/// <summary>Row-wise softmax and log-softmax, shifted by the row maximum so large logits do not overflow.</summary>
internal static class SoftmaxKernels
{
    /// <summary>destination = exp(x − max x) / Σ exp(x − max x).</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, destination);
        TensorPrimitives.Exp(destination, destination);
        TensorPrimitives.Divide(destination, TensorPrimitives.Sum(destination), destination);
    }

    /// <summary>destination = x − max x − log Σ exp(x − max x); returns the log-sum-exp of x.</summary>
    public static float LogSoftmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, destination);
        TensorPrimitives.Exp(destination, destination);
        var lse = max + MathF.Log(TensorPrimitives.Sum(destination));
        TensorPrimitives.Subtract(x, lse, destination);
        return lse;
    }
}
