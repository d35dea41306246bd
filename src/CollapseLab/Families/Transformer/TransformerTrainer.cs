using CollapseLab.Families.Language;
using CollapseLab.Data.Text;
using CollapseLab.Families.NGram;
using CollapseLab.Families.Neural;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Models;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Families.Transformer;

/// <summary>
/// One fit of a <see cref="TransformerFamily"/>: each step draws B training sequences (with replacement) from the fit
/// stream and lays them out as rows of T = the longest sequence: input (boundary, s₀, …, s_{n−2}), target (s₀, …,
/// s_{n−1}), padded with the boundary (a sequence ends with it). AdamW (β = 0.9, 0.99) on a linear warm-up then cosine
/// decay to lr/10, gradient norm clipped at 1; the loop and early stopping are the shared <see cref="NeuralFit"/>.
/// Every draw (init, batches, dropout masks, token dropout) comes from <see cref="FitContext.Stream"/>, the tensor
/// work runs on <see cref="FitContext.Compute"/>, and its kernels split work by shape only, so the weights are the
/// same bits for any thread count.
/// </summary>
internal static class TransformerTrainer
{
    public static TransformerModel Fit(TransformerFamily f, TokenBatch train, FitContext context)
    {
        using var compute = context.Compute.Enter();
        var o = f.Training;
        var (_, pool, v, boundary) = TextTraining.Of(train, context);
        var rng = context.Stream.Open();
        ICausalLm network = f.Pretrained is { } pretrained
            ? pretrained.Load()
            : new TransformerLm(new TransformerConfig(v, f.Layers, f.Heads, f.Width, f.Context, GeluApproximation.Erf, (float)o.Dropout), rng.NextUInt64());
        var frozen = Frozen(f, network);
        var start = o.Start(context) as TransformerModel;
        start?.Network.Parameters.Data.CopyTo(network.Parameters.Data, 0);
        var (held, rows) = NeuralFit.Split(o, train, context);
        var b = o.BatchSize;
        var steps = rows.Length == 0 ? 0 : (start is null ? o.Budget : o.FinetuneBudget).Resolve(rows.Length, b);
        var t = 1;
        foreach (var i in rows)
        {
            t = Math.Max(t, Math.Min(train.Length(i), f.Context));
        }
        var synthetic = f.TokenDropout > 0 && context.Generation > 0 ? SyntheticRows(train, pool) : null;
        var validation = held is null ? null : Rows(pool, held, boundary, f.Context);

        var optimizer = Adam.W(network.Parameters, (float)o.LearningRate, 0.9f, 0.99f, 1e-8f, (float)o.WeightDecay);
        var idx = new int[b * t];
        var targets = new int[b * t];
        var report = NeuralFit.Train(o, network.Parameters.Data, steps, (rows.Length + b - 1) / b, start is not null,
            validation is null ? null : () => ValidationLoss(network, validation), step =>
        {
            for (var r = 0; r < b; r++)
            {
                var s = rows[rng.NextInt(rows.Length)];
                Layout(train.Sequence(s), boundary, t, idx.AsSpan(r * t, t), targets.AsSpan(r * t, t));
                if (synthetic is not null && synthetic[s])
                {
                    // token dropout on synthetic text: each input token after the boundary becomes a uniform random token with probability p
                    for (var j = 1; j < Math.Min(t, train.Length(s)); j++)
                    {
                        if (rng.NextDouble() < f.TokenDropout)
                        {
                            idx[(r * t) + j] = rng.NextInt(v);
                        }
                    }
                }
            }
            optimizer.LearningRate = TrainingUtilities.WarmupCosine(step, (float)o.LearningRate, (float)o.LearningRate / 10, f.Warmup, steps);
            return Step(network, optimizer, idx, targets, b, t, o.Dropout > 0 ? rng.NextUInt64() : null, frozen);
        });
        var model = new TransformerModel(network, v, boundary, f.Sampling.ResolveFor(pool), f.Sampling.PromptsFrom(pool), pool.Tokenizer,
            NGramFamily.UnigramOf(train, v), report, context.Compute)
        {
            PretrainedConfig = f.Pretrained?.Config,
            PretrainedFolder = f.Pretrained?.Folder,
        };
        NeuralFit.Save(o, context, model.Save);
        if (f.Pretrained is not null && o.SaveModels && context.ModelDirectory is { } directory)
        {
            PretrainedExport.Write(model, Path.Combine(directory, HfFolder(context.Generation)), overwrite: true);
        }
        return model;
    }

    /// <summary>The Hugging Face folder a saved pretrained generation is also written to, beside its model file.</summary>
    public static string HfFolder(int generation) => $"gen{generation:D3}-hf";

    /// <summary>The parameters fine-tuning keeps fixed, with their starting values (null when none are).</summary>
    private static (ParameterSlice Slice, float[] Values)[]? Frozen(TransformerFamily f, ICausalLm network)
    {
        if (f.Pretrained is not { } p || (!p.FreezeEmbeddings && p.FreezeBlocks == 0))
        {
            return null;
        }
        return network.Parameters.Slices.Where(s => p.Frozen(s.Name)).Select(s => (s, s.Tensor.ToArray())).ToArray();
    }

    private static float Step(ICausalLm network, IOptimizer optimizer, int[] idx, int[] targets, int b, int t, ulong? dropoutSeed,
        (ParameterSlice Slice, float[] Values)[]? frozen)
    {
        network.Parameters.ZeroGrad();
        using var tape = new Tape(recycleBuffers: true);
        var loss = dropoutSeed is { } seed && network is TransformerLm lm ? lm.Loss(idx, targets, b, t, seed) : network.Loss(idx, targets, b, t);
        tape.Backward(loss);
        foreach (var (slice, _) in frozen ?? [])
        {
            network.Parameters.Gradient.AsSpan(slice.Offset, slice.Length).Clear();
        }
        TrainingUtilities.ClipGradNorm(network.Parameters, 1f);
        optimizer.Step();
        // AdamW's decoupled weight decay moves a weight even with a zero gradient: put frozen ones back.
        foreach (var (slice, values) in frozen ?? [])
        {
            values.CopyTo(slice.Tensor.Data);
        }
        return loss.Item();
    }

    /// <summary>Row layout: idx = (boundary, s₀ … s_{n−2}), targets = (s₀ … s_{n−1}), both padded with the boundary to T.</summary>
    private static void Layout(ReadOnlySpan<int> s, int boundary, int t, Span<int> idx, Span<int> targets)
    {
        var n = Math.Min(s.Length, t);
        idx.Fill(boundary);
        targets.Fill(boundary);
        s[..n].CopyTo(targets);
        if (n > 1)
        {
            s[..(n - 1)].CopyTo(idx[1..]);
        }
    }

    private sealed record Batch(int[] Idx, int[] Targets, int Rows, int T);

    private static Batch Rows(TokenBatch data, int[] which, int boundary, int context)
    {
        var t = 1;
        foreach (var i in which)
        {
            t = Math.Max(t, Math.Min(data.Length(i), context));
        }
        var idx = new int[which.Length * t];
        var targets = new int[which.Length * t];
        for (var r = 0; r < which.Length; r++)
        {
            Layout(data.Sequence(which[r]), boundary, t, idx.AsSpan(r * t, t), targets.AsSpan(r * t, t));
        }
        return new Batch(idx, targets, which.Length, t);
    }

    /// <summary>Mean cross-entropy over the validation rows, in chunks of 32 rows, summed in order.</summary>
    private static double ValidationLoss(ICausalLm network, Batch data)
    {
        using var scope = Tape.NoGrad();
        var total = 0.0;
        for (var r = 0; r < data.Rows; r += 32)
        {
            var rows = Math.Min(32, data.Rows - r);
            var span = (r * data.T)..((r + rows) * data.T);
            total += network.Loss(data.Idx.AsSpan(span), data.Targets.AsSpan(span), rows, data.T).Item() * rows;
        }
        return total / data.Rows;
    }

    /// <summary>Which training sequences are not real pool blocks (compared by content).</summary>
    private static bool[] SyntheticRows(TokenBatch train, TokenBatch pool)
    {
        var real = new HashSet<ulong>();
        for (var i = 0; i < pool.Count; i++)
        {
            real.Add(Hash(pool.Sequence(i)));
        }
        var synthetic = new bool[train.Count];
        for (var i = 0; i < train.Count; i++)
        {
            synthetic[i] = !real.Contains(Hash(train.Sequence(i)));
        }
        return synthetic;
    }

    /// <summary>FNV-1a over the token ids and the length.</summary>
    private static ulong Hash(ReadOnlySpan<int> s)
    {
        var h = 14695981039346656037UL;
        foreach (var x in s)
        {
            h = (h ^ (uint)x) * 1099511628211UL;
        }
        return (h ^ (ulong)s.Length) * 1099511628211UL;
    }
}
