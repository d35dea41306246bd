using CollapseLab.Data;
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
/// Every random draw (initial weights, shuffles, ε, dropout masks, shifts) comes from the fit's stream, in order,
/// and the matrix products are bit-identical for any thread count, so a fit is reproducible to the bit.
/// </summary>
internal static class VaeTrainer
{
    public static VaeModel Fit(VaeFamily family, RowBatch train, FitContext context)
    {
        var o = family.Options;
        var rng = context.Stream.Open();
        var network = new Net(new NetConfig(train.Dim, o.Hidden, o.Latent), rng.NextUInt64());
        var start = o.Init switch
        {
            VaeInit.Model0 => context.Model0 as VaeModel,
            VaeInit.Previous => context.Previous as VaeModel,
            _ => null,
        };
        start?.Network.Parameters.Data.CopyTo(network.Parameters.Data, 0);

        var rows = Enumerable.Range(0, train.Count).ToArray();
        RowBatch? validation = null;
        if (o.Validation > 0)
        {
            // Real images held out of the chain's pool, the same for every generation.
            var pool = (RowBatch)context.RealPool;
            var pick = (context.Stream with { Generation = 0, Chunk = 0x7000_0000 }).Open().Choose(pool.Count, Math.Min(o.Validation, pool.Count - 1));
            validation = (RowBatch)pool.Compose([new BatchPart(pool, pick)]);
            if (ReferenceEquals(train, context.RealPool))
            {
                var held = pick.ToHashSet();
                rows = rows.Where(i => !held.Contains(i)).ToArray();
            }
        }
        if (rows.Length == 0)
        {
            throw new InvalidOperationException("cannot fit a VAE to an empty training set");
        }

        var n = rows.Length;
        var batch = Math.Min(o.BatchSize, n);
        var perEpoch = (n + batch - 1) / batch;
        var totalSteps = o.Steps ?? o.Epochs * perEpoch;
        var optimizer = Adam.W(network.Parameters, (float)o.LearningRate, weightDecay: (float)o.WeightDecay);
        var shift = context.Generation > 0 ? o.Shift : 0;
        var side = (int)Math.Round(Math.Sqrt(train.Dim));
        var buffer = new float[batch * train.Dim];

        var (step, epoch) = (0, 0);
        var (lastLoss, best, bad) = (double.NaN, double.PositiveInfinity, 0);
        float[]? bestWeights = null;
        while (step < totalSteps)
        {
            var order = rng.Permutation(n);
            var (sum, seen) = (0.0, 0);
            for (var b = 0; b < perEpoch && step < totalSteps; b++, step++)
            {
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
                if (!float.IsFinite(loss))
                {
                    // A diverged fit is a result: keep the weights as they are and let Degeneracy report it.
                    return new VaeModel(network, o.Gaussian, o.Sigma, o.SampleMeans, new VaeTrainingLog(step, epoch, double.NaN, double.NaN));
                }
                optimizer.Step();
                sum += loss;
                seen += size;
            }
            epoch++;
            lastLoss = sum / Math.Max(seen, 1);
            if (validation is null)
            {
                continue;
            }
            var v = ValidationLoss(network, validation, o);
            if (v < best)
            {
                (best, bad) = (v, 0);
                bestWeights = (float[])network.Parameters.Data.Clone();
            }
            else if (++bad >= o.Patience)
            {
                break;
            }
        }
        bestWeights?.CopyTo(network.Parameters.Data, 0);
        return new VaeModel(network, o.Gaussian, o.Sigma, o.SampleMeans, new VaeTrainingLog(step, epoch, lastLoss, validation is null ? double.NaN : best));
    }

    /// <summary>Negative ELBO summed over the batch x (B,D); dropout (when training) after each hidden ReLU.</summary>
    public static Tensor Loss(Net network, Tensor x, VaeOptions o, ulong seed, bool training)
    {
        var p = network.Parameters;
        var dropout = training && o.Dropout > 0 ? (float)o.Dropout : 0f;
        // h1 is (B,H)
        var h1 = Ops.Relu(Ops.Linear(x, p["fc1.weight"], p["fc1.bias"]));
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
        var logits = Ops.Linear(h3, p["fc4.weight"], p["fc4.bias"]);
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
