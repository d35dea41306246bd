using System.Globalization;
using CollapseLab.Tensors.Models.Pretrained;

namespace CollapseLab.Families.Transformer;

/// <summary>
/// What fine-tuning a checkpoint needs, estimated before a run: float32 weights, gradients and AdamW's two moments
/// (16 bytes a parameter) plus the process's copy of the checkpoint (4), and the activations of one step with their
/// gradients: per token and layer about 12C + 3F floats and NH·T attention weights, and 3V for the logits.
/// </summary>
public sealed record PretrainedMemory(long Parameters, long StateBytes, long ActivationBytes)
{
    public long TotalBytes => StateBytes + ActivationBytes;

    public static PretrainedMemory Estimate(DecoderArchitecture a, int batch, int tokens)
    {
        var p = Count(a);
        var perToken = ((long)a.Layers * ((12L * a.Channels) + (3L * a.FeedForward) + ((long)a.Heads * tokens))) + (3L * a.Vocab);
        return new PretrainedMemory(p, 20 * p, 2 * 4 * (long)batch * tokens * perToken);
    }

    public string Describe(int batch, int tokens, long budget) => string.Create(CultureInfo.InvariantCulture,
        $"{Parameters:N0} parameters; fine-tuning needs about {Gb(TotalBytes)} (weights, gradients and AdamW state {Gb(StateBytes)}, activations of {batch}×{tokens} tokens {Gb(ActivationBytes)}); budget {Gb(budget)}");

    private static long Count(DecoderArchitecture a)
    {
        long total = 0;
        foreach (var (_, shape) in DecoderNames.For(a.ModelType).Layout(a))
        {
            total += shape.Aggregate(1L, (x, d) => x * d);
        }

        return total;
    }

    private static string Gb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GB");
}
