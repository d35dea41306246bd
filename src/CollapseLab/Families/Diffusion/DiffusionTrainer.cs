using CollapseLab.Data;
using CollapseLab.Families.Neural;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Families.Diffusion;

/// <summary>
/// Minibatch training of the denoiser with AdamW on Ho et al.'s simple loss: for x₀ from the training set,
/// t ~ U{0 … T−1} and ε ~ N(0, I), the mean of (ε − ε_θ(√ᾱ_t·x₀ + √(1−ᾱ_t)·ε, t))². A warm start (init: model0 or
/// previous) keeps the starting model's standardisation, so fine-tuning sees the data on the same scale.
/// The loop and early stopping are the shared <see cref="NeuralFit"/>; every draw comes from the fit's stream in
/// order and the tensor work runs on <see cref="FitContext.Compute"/>, so a fit is reproducible to the bit.
/// </summary>
internal static class DiffusionTrainer
{
    public static DiffusionModel Fit(DiffusionFamily family, RowBatch train, FitContext context)
    {
        using var compute = context.Compute.Enter();
        var o = family.Options;
        var t = o.Training;
        var rng = context.Stream.Open();
        var network = Denoiser.Create(o.Denoiser, family.NetworkSettings(train.Dim), rng.NextUInt64());
        var start = t.Start(context) as DiffusionModel;
        start?.Network.Parameters.Data.CopyTo(network.Parameters.Data, 0);
        var (held, rows) = NeuralFit.Split(t, train, context);
        if (rows.Length == 0)
        {
            throw new InvalidOperationException("cannot fit a diffusion model to an empty training set");
        }

        var (shift, scale) = start is null ? Standardisation(train, rows, o.Image) : (start.Shift, start.Scale);
        var schedule = NoiseSchedule.Create(o.Schedule, o.Timesteps);
        var x0 = DiffusionModel.Standardise(train.Span, shift, scale);
        float[]? validation = held is null ? null : DiffusionModel.Standardise(((RowBatch)context.RealPool.Compose([new BatchPart(context.RealPool, held)])).Values, shift, scale);

        // The same steps and noise at every evaluation and every generation.
        var validationNoise = (context.Stream with { Generation = 0 }).Named("validation").Named("noise");
        var (n, d) = (rows.Length, train.Dim);
        var batch = Math.Min(t.BatchSize, n);
        var perEpoch = (n + batch - 1) / batch;
        var steps = (start is null ? t.Budget : t.FinetuneBudget).Resolve(perEpoch, 1);
        var optimizer = Adam.W(network.Parameters, (float)t.LearningRate, weightDecay: (float)t.WeightDecay);
        var buffer = new float[batch * d];
        var times = new int[batch];
        var order = Array.Empty<int>();
        var report = NeuralFit.Train(t, network.Parameters.Data, steps, perEpoch, start is not null,
            validation is null ? null : () => ValidationLoss(network, schedule, validation, d, validationNoise), step =>
        {
            var b = step % perEpoch;
            if (b == 0)
            {
                order = rng.Permutation(n);
            }

            var size = Math.Min(batch, n - (b * batch));
            var xb = size == batch ? buffer : new float[size * d];
            for (var i = 0; i < size; i++)
            {
                x0.AsSpan(rows[order[(b * batch) + i]] * d, d).CopyTo(xb.AsSpan(i * d, d));
                times[i] = rng.NextInt(o.Timesteps);
            }

            var eps = Tensor.Zeros(size, d);
            Init.Normal(eps, 1f, rng.NextUInt64());
            network.Parameters.ZeroGrad();
            float loss;
            using (var tape = new Tape(recycleBuffers: true))
            {
                var l = DiffusionModel.NoiseLoss(network, schedule, xb, size, times.AsSpan(0, size), eps);
                tape.Backward(l);
                loss = l.Item();
            }

            if (float.IsFinite(loss))
            {
                optimizer.Step();
            }

            return loss;
        });
        var model = new DiffusionModel(network, schedule, o.Sampler, o.Image, shift, scale, o.TrajectorySteps, report, context.Compute);
        NeuralFit.Save(t, context, model.Save);
        return model;
    }

    /// <summary>Per-coordinate mean and standard deviation of the training rows; images map [0, 1] to [−1, 1].</summary>
    private static (double[] Shift, double[] Scale) Standardisation(RowBatch train, int[] rows, bool image)
    {
        var d = train.Dim;
        if (image)
        {
            return (Enumerable.Repeat(0.5, d).ToArray(), Enumerable.Repeat(0.5, d).ToArray());
        }

        var (mean, scale) = (new double[d], new double[d]);
        foreach (var r in rows)
        {
            var row = train.Row(r);
            for (var j = 0; j < d; j++)
            {
                mean[j] += row[j] / rows.Length;
            }
        }

        foreach (var r in rows)
        {
            var row = train.Row(r);
            for (var j = 0; j < d; j++)
            {
                scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / rows.Length;
            }
        }

        for (var j = 0; j < d; j++)
        {
            scale[j] = Math.Sqrt(scale[j]);
        }

        return (mean, scale);
    }

    /// <summary>The noise loss on real validation rows at fixed steps and noise (the same every evaluation).</summary>
    private static double ValidationLoss(Denoiser network, NoiseSchedule schedule, float[] rows, int d, Random.StreamKey key)
    {
        // Only the scalar leaves the scope, so the activations can go back to the pool.
        using var scope = Tape.Inference();
        var n = rows.Length / d;
        var times = new int[n];
        var fixedDraws = key.Open();
        for (var i = 0; i < n; i++)
        {
            times[i] = fixedDraws.NextInt(schedule.Steps);
        }

        var eps = Tensor.Zeros(n, d);
        Init.Normal(eps, 1f, fixedDraws.NextUInt64());
        return DiffusionModel.NoiseLoss(network, schedule, rows, n, times, eps).Item();
    }
}
