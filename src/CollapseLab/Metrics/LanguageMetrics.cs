using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families;
using CollapseLab.Families.Language;

namespace CollapseLab.Metrics;

/// <summary>Base of the metrics on token data: supported for any family that models tokens.</summary>
public abstract class LanguageMetric : Metric
{
    public override IReadOnlyList<Capability> Requires => [Capabilities.SequenceLogProb];

    public override string? Unsupported(IFamily family, ExperimentData data) => data is TextData ? null : "needs text data";

    protected static TextData Text(MetricContext context) => (TextData)context.Data;

    /// <summary>Σ ln p and token count of each sequence, in parallel; summed in order so the bits never depend on threads.</summary>
    protected static double[] SequenceLogProbabilities(ILanguageModel model, TokenBatch batch, int threads, Func<int, bool>? keep = null)
    {
        var sums = new double[batch.Count];
        Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, () => new double[64], (i, _, buffer) =>
        {
            var seq = batch.Sequence(i);
            if (buffer.Length < seq.Length)
            {
                buffer = new double[seq.Length * 2];
            }
            model.LogProbabilities(seq, buffer);
            var s = 0.0;
            for (var j = 0; j < seq.Length; j++)
            {
                if (keep is null || keep(seq[j]))
                {
                    s += buffer[j];
                }
            }
            sums[i] = s;
            return buffer;
        }, _ => { });
        return sums;
    }

    /// <summary>How many of the real test set's types occur in <paramref name="batch"/>.</summary>
    protected static int RealTypesIn(TextStatistics real, TokenBatch batch)
    {
        var counts = TypeCounts(batch, real.Counts.Length);
        var present = 0;
        for (var t = 0; t < counts.Length; t++)
        {
            present += real.Counts[t] > 0 && counts[t] > 0 ? 1 : 0;
        }
        return present;
    }

    protected static long[] TypeCounts(TokenBatch batch, int vocabularySize)
    {
        var counts = new long[vocabularySize];
        foreach (var t in batch.Tokens)
        {
            counts[t]++;
        }
        return counts;
    }
}

public sealed class TestPerplexityMetric : LanguageMetric
{
    public override string Name => "test_perplexity";

    public override string Description => "perplexity of the real test text under the model, exp(−mean ln p) per token (lower is better)";

    public override double Compute(MetricContext context)
    {
        var test = Text(context).Test;
        var sums = SequenceLogProbabilities((ILanguageModel)context.Model, test, context.Threads);
        return Math.Exp(-sums.Sum() / test.TokenCount);
    }
}

/// <summary>Shumailov et al.'s measure: each generated sequence's perplexity under the generation-0 model.</summary>
public sealed class PerplexityUnderModel0Metric : LanguageMetric
{
    public override string Name => "ppl_model0";

    public override string Description => "mean per-sequence perplexity of the generation's samples under model₀ (per-sample values kept)";

    public override double Compute(MetricContext context)
    {
        var samples = (TokenBatch)context.Samples;
        var sums = SequenceLogProbabilities((ILanguageModel)context.Model0, samples, context.Threads);
        var values = new List<double>(samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples.Length(i) > 0)
            {
                values.Add(Math.Exp(-sums[i] / samples.Length(i)));
            }
        }
        context.SampleValues?.Record(Name, values.ToArray());
        return values.Count == 0 ? double.PositiveInfinity : values.Average();
    }
}

/// <summary>Distinct n-grams over all samples / all n-grams (Li et al.), n-grams within sequences.</summary>
public sealed class DistinctMetric(int n) : LanguageMetric
{
    public override string Name => $"distinct_{n}";

    public override string Description => $"distinct {n}-grams / all {n}-grams in the samples (1: no repetition)";

    public override double Compute(MetricContext context)
    {
        var samples = (TokenBatch)context.Samples;
        var seen = new HashSet<(int, int, int)>();
        long total = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples.Sequence(i);
            for (var j = 0; j + n <= s.Length; j++)
            {
                seen.Add((s[j], n > 1 ? s[j + 1] : -1, n > 2 ? s[j + 2] : -1));
                total++;
            }
        }
        return total == 0 ? 0 : (double)seen.Count / total;
    }
}

public sealed class TypeTokenRatioMetric : LanguageMetric
{
    public override string Name => "type_token_ratio";

    public override string Description => "mean over samples of types / tokens within each sequence";

    public override double Compute(MetricContext context)
    {
        var samples = (TokenBatch)context.Samples;
        var seen = new HashSet<int>();
        double sum = 0;
        var count = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples.Sequence(i);
            if (s.Length == 0)
            {
                continue;
            }
            seen.Clear();
            foreach (var t in s)
            {
                seen.Add(t);
            }
            sum += (double)seen.Count / s.Length;
            count++;
        }
        return count == 0 ? 0 : sum / count;
    }
}

public sealed class VocabularyCoverageMetric : LanguageMetric
{
    public override string Name => "vocab_coverage";

    public override string Description => "share of the real test set's types that occur in the samples";

    public override double Compute(MetricContext context)
    {
        var stats = Text(context).Statistics;
        return (double)RealTypesIn(stats, (TokenBatch)context.Samples) / stats.Types;
    }
}

public sealed class UnigramEntropyMetric : LanguageMetric
{
    public override string Name => "unigram_entropy";

    public override string Description => "entropy of the samples' token frequencies, nats";

    public override double Compute(MetricContext context)
    {
        var samples = (TokenBatch)context.Samples;
        var counts = TypeCounts(samples, Text(context).Tokenizer.VocabularySize);
        double n = samples.TokenCount, h = 0;
        foreach (var c in counts)
        {
            h -= c > 0 ? c / n * Math.Log(c / n) : 0;
        }
        return h;
    }
}

/// <summary>s in frequency ∝ rank^(−s): least squares of ln count on ln rank over the samples' types.</summary>
public sealed class ZipfExponentMetric : LanguageMetric
{
    public override string Name => "zipf_exponent";

    public override string Description => "fitted Zipf exponent of the samples' rank–frequency curve (natural text ≈ 1; 0 with one type)";

    public override double Compute(MetricContext context)
    {
        var counts = TypeCounts((TokenBatch)context.Samples, Text(context).Tokenizer.VocabularySize)
            .Where(c => c > 0).OrderDescending().ToArray();
        if (counts.Length < 2)
        {
            return 0;
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var r = 0; r < counts.Length; r++)
        {
            double x = Math.Log(r + 1), y = Math.Log(counts[r]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        var k = counts.Length;
        return -(k * sxy - sx * sy) / (k * sxx - sx * sx);
    }
}

public sealed class TailShareMetric : LanguageMetric
{
    public override string Name => "tail_share";

    public override string Description => $"share of the samples' tokens whose types are in the real tail (rarest types holding {TextStatistics.TailMass:P0} of the real test tokens)";

    public override double Compute(MetricContext context)
    {
        var tail = Text(context).Statistics.IsTail;
        var samples = (TokenBatch)context.Samples;
        long hits = 0;
        foreach (var t in samples.Tokens)
        {
            hits += tail[t] ? 1 : 0;
        }
        return samples.TokenCount == 0 ? 0 : (double)hits / samples.TokenCount;
    }
}

public sealed class TailProbabilityMetric : LanguageMetric
{
    public override string Name => "tail_prob";

    public override string Description => "geometric-mean probability the model gives the real test tokens whose types are in the real tail";

    public override double Compute(MetricContext context)
    {
        var stats = Text(context).Statistics;
        if (stats.TailTokens == 0)
        {
            return 0;
        }
        var tail = stats.IsTail;
        var sums = SequenceLogProbabilities((ILanguageModel)context.Model, Text(context).Test, context.Threads, t => tail[t]);
        return Math.Exp(sums.Sum() / stats.TailTokens);
    }
}

public sealed class TypesLostMetric : LanguageMetric
{
    public override string Name => "types_lost";

    public override string Description => "share of the real test set's types with no occurrence in this generation's training set";

    public override double Compute(MetricContext context)
    {
        var stats = Text(context).Statistics;
        return (double)(stats.Types - RealTypesIn(stats, (TokenBatch)context.Train)) / stats.Types;
    }
}

public sealed class GiniImpurityMetric : LanguageMetric
{
    public override string Name => "gini_impurity";

    public override string Description => "1 − Σ p² of the model's token distribution (its unigram marginal); 0 once one token holds all mass";

    public override double Compute(MetricContext context)
    {
        var p = ((ILanguageModel)context.Model).Unigram;
        var s = 0.0;
        foreach (var x in p)
        {
            s += x * x;
        }
        return 1 - s;
    }
}

/// <summary>
/// The exact KL rate from the synthetic truth to the model, Σ_c π(c) Σ_w p(w|c) ln(p(w|c)/q(w|c)), nats per token:
/// +∞ when the model gives zero probability to a token the truth can produce. The truth never ends a sequence, and
/// the generator never ends one before its length, so q is the model's law given that the sequence goes on:
/// q(w|c) = q̃(w|c)/(1 − q̃(boundary|c)).
/// </summary>
public sealed class KlToTruthMetric : Metric
{
    public override IReadOnlyList<Capability> Requires => [Capabilities.SequenceLogProb];

    public override string Name => "kl_truth";

    public override string Description => "exact KL rate from the synthetic language to the model, nats/token (0 = the truth)";

    public override string? Unsupported(IFamily family, ExperimentData data)
    {
        if (data is not TextData { Truth: { } truth })
        {
            return "needs a synthetic language with known truth (source: zipf)";
        }
        return family is IFixedOrder fixedOrder && fixedOrder.Order > truth.Order
            ? $"needs a model order ≤ the language's order {truth.Order} (model order {fixedOrder.Order})"
            : null;
    }

    public override double Compute(MetricContext context) =>
        Divergence(((TextData)context.Data).Truth!, (ILanguageModel)context.Model, context.Threads);

    public static double Divergence(SyntheticLanguage truth, ILanguageModel model, int threads)
    {
        var perContext = new double[truth.Contexts];
        Parallel.For(0, truth.Contexts, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => (new double[truth.Types + 1], new NextTokenDistribution(model.VocabularySize)), (c, _, work) =>
            {
                var (p, q) = work;
                if (truth.Stationary[c] <= 0)
                {
                    return work;
                }
                truth.Conditional(c, p);
                model.Next(truth.ContextTokens(c), q);
                var kl = 0.0;
                var goesOn = 1 - q.Probability(model.Boundary);
                for (var w = 1; w <= truth.Types; w++)
                {
                    if (p[w] > 0)
                    {
                        var qw = q.Probability(w) / goesOn;
                        kl += qw > 0 ? p[w] * Math.Log(p[w] / qw) : double.PositiveInfinity;
                    }
                }
                perContext[c] = truth.Stationary[c] * kl;
                return work;
            }, _ => { });
        var sum = 0.0;
        foreach (var x in perContext)
        {
            sum += x;
        }
        return Math.Max(0, sum);
    }
}
