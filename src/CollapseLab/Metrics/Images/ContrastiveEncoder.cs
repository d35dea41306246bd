using CollapseLab.Data;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Metrics.Images;

/// <summary>
/// A small SimCLR-style encoder (Chen et al. 2020) for the <c>ssl_probe</c> metric: h = ReLU(W₂ ReLU(W₁ x)), 64
/// features, and a projection head z = W₄ ReLU(W₃ h) of 32 values used only by the loss. Each step draws
/// <see cref="Batch"/> images, makes two augmented views of each (a random crop of 70–100% of each side resized
/// back by nearest neighbour, a shift of up to a tenth of the side, Gaussian pixel noise of σ = 0.1, clipped to
/// [0, 1]) and minimises InfoNCE (NT-Xent, temperature <see cref="Temperature"/>): each view must pick its partner
/// among the other 2B − 1 views by cosine similarity. Adam, <see cref="Steps"/> steps, all draws from one stream.
/// </summary>
public sealed class ContrastiveEncoder
{
    public const int Hidden = 256;
    public const int Features = 64;
    public const int Projection = 32;
    public const int Steps = 300;
    public const int Batch = 128;
    public const float Temperature = 0.5f;
    private const float NoiseStd = 0.1f;
    private const double MinCrop = 0.7;

    private readonly ParameterBlock _p;

    private ContrastiveEncoder(ParameterBlock p) => _p = p;

    /// <summary>
    /// Trains an encoder on <paramref name="images"/> (W·H values in [0, 1] per row). With fewer than two images
    /// there are no negatives, so the encoder keeps its initial weights (the probe then measures random features).
    /// </summary>
    public static ContrastiveEncoder Train(RowBatch images, int width, int height, StreamKey stream)
    {
        var d = width * height;
        var p = new ParameterBlock([
            ("enc1.weight", [Hidden, d]), ("enc1.bias", [Hidden]),
            ("enc2.weight", [Features, Hidden]), ("enc2.bias", [Features]),
            ("proj1.weight", [Features, Features]), ("proj1.bias", [Features]),
            ("proj2.weight", [Projection, Features]), ("proj2.bias", [Projection]),
        ]);
        var rng = stream.Open();
        foreach (var layer in new[] { "enc1", "enc2", "proj1", "proj2" })
        {
            Init.LinearDefault(p[layer + ".weight"], p[layer + ".bias"], rng.NextUInt64());
        }

        var encoder = new ContrastiveEncoder(p);
        if (images.Count < 2)
        {
            return encoder;
        }

        var adam = new Adam(p, 1e-3f);
        var b = Math.Min(Batch, images.Count);
        var views = new float[2 * b * d];
        var targets = new int[2 * b];
        for (var i = 0; i < 2 * b; i++)
        {
            targets[i] = (i + b) % (2 * b);
        }

        // −∞ on the diagonal stands for "a view is not its own candidate"; a large finite value keeps the softmax exact.
        var self = Tensor.Zeros(2 * b, 2 * b);
        for (var i = 0; i < 2 * b; i++)
        {
            self.Data[(i * 2 * b) + i] = -1e4f;
        }

        for (var step = 0; step < Steps; step++)
        {
            var pick = rng.Choose(images.Count, b);
            for (var i = 0; i < b; i++)
            {
                var row = images.Row(pick[i]);
                Augment(row, width, height, rng, views.AsSpan(i * d, d));
                Augment(row, width, height, rng, views.AsSpan((b + i) * d, d));
            }

            p.ZeroGrad();
            using var tape = new Tape(recycleBuffers: true);
            var z = Normalise(encoder.Project(encoder.Encode(Tensor.FromArray(views, 2 * b, d))));
            var similarity = Ops.Add(Ops.Scale(Ops.MatMul(z, z, transB: true), 1f / Temperature), self);
            tape.Backward(Ops.CrossEntropy(similarity, targets));
            adam.Step();
        }

        return encoder;
    }

    /// <summary>Features (n, 64) of images, without augmentation.</summary>
    public float[] Embed(RowBatch images)
    {
        var (n, d) = (images.Count, images.Dim);
        var features = new float[n * Features];
        using var scope = Tape.NoGrad();
        const int chunk = 1024;
        for (var start = 0; start < n; start += chunk)
        {
            var size = Math.Min(chunk, n - start);
            var x = new float[size * d];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)images.Values[(start * d) + i];
            }

            Encode(Tensor.FromArray(x, size, d)).Data.CopyTo(features.AsSpan(start * Features, size * Features));
        }

        return features;
    }

    private Tensor Encode(Tensor x) =>
        Ops.Relu(Ops.Linear(Ops.Relu(Ops.Linear(x, _p["enc1.weight"], _p["enc1.bias"])), _p["enc2.weight"], _p["enc2.bias"]));

    private Tensor Project(Tensor h) =>
        Ops.Linear(Ops.Relu(Ops.Linear(h, _p["proj1.weight"], _p["proj1.bias"])), _p["proj2.weight"], _p["proj2.bias"]);

    // z / ‖z‖ per row, with ‖z‖ = exp(½ log(Σ z² + ε)) so the tape has every op it needs
    private static Tensor Normalise(Tensor z)
    {
        var norm = Ops.Exp(Ops.Scale(Ops.Log(Ops.AddScalar(Ops.Sum(Ops.Mul(z, z), 1, keepDim: true), 1e-8f)), 0.5f));
        return Ops.Div(z, norm);
    }

    /// <summary>One augmented view of an image: crop and resize, shift, pixel noise, clipped to [0, 1].</summary>
    internal static void Augment(ReadOnlySpan<double> image, int width, int height, RandomStream rng, Span<float> view)
    {
        var cw = width - rng.NextInt(width - (int)Math.Ceiling(MinCrop * width) + 1);
        var ch = height - rng.NextInt(height - (int)Math.Ceiling(MinCrop * height) + 1);
        var ox = rng.NextInt(width - cw + 1);
        var oy = rng.NextInt(height - ch + 1);
        var reach = Math.Max(1, width / 10);
        var dx = rng.NextInt((2 * reach) + 1) - reach;
        var dy = rng.NextInt((2 * reach) + 1) - reach;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                // the shifted pixel (x − dx, y − dy) of the resized crop, 0 outside it
                var (sx, sy) = (x - dx, y - dy);
                var v = (uint)sx < (uint)width && (uint)sy < (uint)height
                    ? image[((oy + (sy * ch / height)) * width) + ox + (sx * cw / width)]
                    : 0.0;
                view[(y * width) + x] = (float)Math.Clamp(v + (NoiseStd * rng.NextNormal()), 0.0, 1.0);
            }
        }
    }
}
