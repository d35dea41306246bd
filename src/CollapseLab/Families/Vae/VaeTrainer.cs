using CollapseLab.Data;
using CollapseLab.Families.Neural;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Training;
using Net = CollapseLab.Tensors.Models.Vae;
using NetConfig = CollapseLab.Tensors.Models.VaeConfig;

namespace CollapseLab.Families.Vae;

/// <summary>
/// Minibatch training of a VAE with AdamW on the negative ELBO: reconstruction (Bernoulli: BCE summed over pixels;
/// Gaussian: Σ(x − p)²/(2σ²)) + KL(q(z|x) ‖ N(0, I)) = −½ Σ(1 + log σ² − μ² − σ²), summed over the batch.
/// The loop and early stopping are the shared <see cref="NeuralFit"/>. Every random draw (initial weights, shuffles,
/// ε, dropout masks, shifts) comes from the fit's stream, in order, the tensor work runs on
/// <see cref="FitContext.Compute"/>, and the matrix products are bit-identical for any thread count, so a fit is
/// reproducible to the bit.
/// </summary>
internal static class VaeTrainer
{
    public static VaeModel Fit(VaeFamily family, RowBatch train, FitContext context)
    {
        using var compute = context.Compute.Enter();
        var o = family.Options;
        var t = o.Training;
        var rng = context.Stream.Open();
        var network = new Net(new NetConfig(train.Dim, o.Hidden, o.Latent, o.Channels), rng.NextUInt64());
        var start = t.Start(context) as VaeModel;
        start?.Network.Parameters.Data.CopyTo(network.Parameters.Data, 0);
        var (held, rows) = NeuralFit.Split(t, train, context);
        if (rows.Length == 0)
        {
            throw new InvalidOperationException("cannot fit a VAE to an empty training set");
        }
        var validation = held is null ? null : (RowBatch)context.RealPool.Compose([new BatchPart(context.RealPool, held)]);

        var n = rows.Length;
        var batch = Math.Min(t.BatchSize, n);
        var perEpoch = (n + batch - 1) / batch;
        var steps = (start is null ? t.Budget : t.FinetuneBudget).Resolve(perEpoch, 1);
        var optimizer = Adam.W(network.Parameters, (float)t.LearningRate, weightDecay: (float)t.WeightDecay);
        var shift = context.Generation > 0 ? o.Shift : 0;
        var side = (int)Math.Round(Math.Sqrt(train.Dim));
        var buffer = new float[batch * train.Dim];
        var order = Array.Empty<int>();
        var report = NeuralFit.Train(t, network.Parameters.Data, steps, perEpoch, start is not null,
            validation is null ? null : () => ValidationLoss(network, validation, o), step =>
        {
            // Epochs are passes over a fresh permutation; the last batch of a pass may be short.
            var b = step % perEpoch;
            if (b == 0)
            {
                order = rng.Permutation(n);
            }
            var size = Math.Min(batch, n - b * batch);
            var x = Tensor.FromArray(Gather(train, rows, order.AsSpan(b * batch, size), buffer, shift, side, rng), size, train.Dim);
            var seed = rng.NextUInt64();
            network.Parameters.ZeroGrad();
            float loss;
            using (var tape = new Tape(recycleBuffers: true))
            {
                var l = Loss(network, x, o, seed, training: true);
                tape.Backward(l);
                loss = l.Item();
            }
            if (float.IsFinite(loss))
            {
                optimizer.Step();
            }
            return loss / size;
        });
        var model = new VaeModel(network, o.Gaussian, o.Sigma, o.SampleMeans, report, context.Compute);
        NeuralFit.Save(t, context, model.Save);
        return model;
    }

    /// <summary>Negative ELBO summed over the batch x (B,D); dropout (when training) after each hidden ReLU.</summary>
    public static Tensor Loss(Net network, Tensor x, VaeOptions o, ulong seed, bool training)
    {
        var p = network.Parameters;
        var dropout = training && o.Training.Dropout > 0 ? (float)o.Training.Dropout : 0f;
        // h1 is (B,H)
        var h1 = network.Trunk(x);
        if (dropout > 0)
        {
            h1 = Ops.Dropout(h1, dropout, seed ^ 0xD1B54A32D192ED03UL);
        }
        // mu, logVar are (B,Z)
        var mu = Ops.Linear(h1, p["fc21.weight"], p["fc21.bias"]);
        var logVar = Ops.Linear(h1, p["fc22.weight"], p["fc22.bias"]);
        var eps = Tensor.Zeros(x.Dim(0), network.Config.Latent);
        Init.Normal(eps, 1f, seed);
        // z = μ + ε·exp(½ log σ²)
        var z = Ops.Add(mu, Ops.Mul(eps, Ops.Exp(Ops.Scale(logVar, 0.5f))));
        var h3 = Ops.Relu(Ops.Linear(z, p["fc3.weight"], p["fc3.bias"]));
        if (dropout > 0)
        {
            h3 = Ops.Dropout(h3, dropout, seed ^ 0x8CB92BA72F3D8DD7UL);
        }
        // logits are (B,D)
        var logits = network.Head(h3);
        Tensor reconstruction;
        if (o.Gaussian)
        {
            var diff = Ops.Sub(Ops.Sigmoid(logits), x);
            reconstruction = Ops.Scale(Ops.Sum(Ops.Mul(diff, diff)), (float)(0.5 / (o.Sigma * o.Sigma)));
        }
        else
        {
            reconstruction = Ops.BceWithLogits(logits, x, Reduction.Sum);
        }
        var inner = Ops.Sub(Ops.Sub(Ops.AddScalar(logVar, 1f), Ops.Mul(mu, mu)), Ops.Exp(logVar));
        return Ops.Add(reconstruction, Ops.Scale(Ops.Sum(inner), -0.5f));
    }

    /// <summary>Mean negative ELBO per image on real validation images, with a fixed ε.</summary>
    private static double ValidationLoss(Net network, RowBatch validation, VaeOptions o)
    {
        using var scope = Tape.NoGrad();
        var x = Tensor.FromArray(validation.Values.Select(v => (float)v).ToArray(), validation.Count, validation.Dim);
        return Loss(network, x, o, 0x0A11_DA7EUL, training: false).Item() / validation.Count;
    }

    /// <summary>Copies the rows picked by <paramref name="order"/> into <paramref name="buffer"/>, each moved by a random shift.</summary>
    private static float[] Gather(RowBatch train, int[] rows, ReadOnlySpan<int> order, float[] buffer, int shift, int side, RandomStream rng)
    {
        var d = train.Dim;
        var data = order.Length * d == buffer.Length ? buffer : new float[order.Length * d];
        for (var i = 0; i < order.Length; i++)
        {
            var source = train.Row(rows[order[i]]);
            var target = data.AsSpan(i * d, d);
            if (shift == 0)
            {
                for (var j = 0; j < d; j++)
                {
                    target[j] = (float)source[j];
                }
                continue;
            }
            var dx = rng.NextInt(2 * shift + 1) - shift;
            var dy = rng.NextInt(2 * shift + 1) - shift;
            target.Clear();
            for (var y = Math.Max(0, dy); y < Math.Min(side, side + dy); y++)
            {
                for (var x = Math.Max(0, dx); x < Math.Min(side, side + dx); x++)
                {
                    target[y * side + x] = (float)source[(y - dy) * side + (x - dx)];
                }
            }
        }
        return data;
    }
}
