using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Specs;

namespace CollapseLab.Families.NGram;

/// <summary>
/// Count-based n-gram language models of order n (n − 1 tokens of context), refitted from scratch each generation:
/// the model of Shumailov et al.'s text experiments that shows collapse exactly and fast.
/// </summary>
public sealed record NGramFamily(int Order, NGramSmoothing Smoothing, double Alpha, SamplingOptions Sampling) : IFamily, IFixedOrder
{
    public static FamilyRegistration Registration { get; } = new("ngram", Read,
        [Capabilities.SequenceLogProb, Capabilities.Watermarkable],
        "data: { source: zipf, vocab: 50, order: 2, block: 8, train: 20, test: 20 }\nmodel: { family: ngram, order: 2 }");

    public string Name => "ngram";

    public DataKind Kind => DataKind.Tokens;

    public IReadOnlyList<string> DefaultMetrics =>
        ["test_perplexity", "ppl_model0", "distinct_2", "type_token_ratio", "vocab_coverage", "unigram_entropy", "tail_share", "tail_prob", "types_lost", "kl_truth"];

    public static NGramFamily Read(SpecReader model)
    {
        var order = model.Int("order", 3, min: 1, max: 16);
        var smoothing = model.Choice("smoothing", "kneser-ney", ["kneser-ney", "additive"]) == "kneser-ney"
            ? NGramSmoothing.KneserNey
            : NGramSmoothing.Additive;
        var alpha = smoothing == NGramSmoothing.Additive ? model.Double("alpha", 1.0, min: 0) : 0;
        var sampling = model.Section("sampling", SamplingOptions.Read);
        return new NGramFamily(order, smoothing, alpha, sampling);
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        TextData.Require(data, model, "an n-gram model");
    }

    public IModel Fit(DataBatch train, FitContext context)
    {
        var (batch, pool, vocabulary, boundary) = TextTraining.Of(train, context);
        var table = NGramTable.Count(batch, Order, vocabulary, boundary, Smoothing == NGramSmoothing.KneserNey, context.Threads);
        var discounts = Smoothing == NGramSmoothing.KneserNey ? KneserNeyDiscounts(table) : [];
        return new NGramModel(table, vocabulary, boundary, Smoothing, Alpha, Sampling.ResolveFor(pool),
            Sampling.PromptsFrom(pool), pool.Tokenizer, UnigramOf(batch, vocabulary), discounts, context.Threads);
    }

    /// <summary>
    /// Chen &amp; Goodman's modified Kneser–Ney discounts per context length d from the count-of-counts n₁…n₄ of that
    /// order: Y = n₁/(n₁ + 2n₂), D₁ = 1 − 2Y·n₂/n₁, D₂ = 2 − 3Y·n₃/n₂, D₃₊ = 3 − 4Y·n₄/n₃. Collapse makes count-of-counts
    /// degenerate: where one of n₁…n₄ is zero, or a D_k falls outside (0, k), the estimate is unusable and plain
    /// absolute discounting (D₁ = D₂ = D₃₊ = <see cref="FallbackDiscount"/>) is used for that order instead.
    /// </summary>
    public const double FallbackDiscount = 0.75;

    internal static double[][] KneserNeyDiscounts(NGramTable table)
    {
        var n = new long[table.Order, 5];
        for (var c = 0; c < table.ContextCount; c++)
        {
            var d = table.ContextDepth[c];
            for (var e = table.EntryStart[c]; e < table.EntryStart[c + 1]; e++)
            {
                var count = table.EntryCount[e];
                if (count <= 4)
                {
                    n[d, count]++;
                }
            }
        }
        var result = new double[table.Order][];
        for (var d = 0; d < table.Order; d++)
        {
            double n1 = n[d, 1], n2 = n[d, 2], n3 = n[d, 3], n4 = n[d, 4];
            if (n1 == 0 || n2 == 0 || n3 == 0 || n4 == 0)
            {
                result[d] = [FallbackDiscount, FallbackDiscount, FallbackDiscount];
                continue;
            }
            var y = n1 / (n1 + 2 * n2);
            double[] discounts = [1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3];
            var usable = discounts[0] > 0 && discounts[0] < 1 && discounts[1] > 0 && discounts[1] < 2 && discounts[2] > 0 && discounts[2] < 3;
            result[d] = usable ? discounts : [FallbackDiscount, FallbackDiscount, FallbackDiscount];
        }
        return result;
    }

    /// <summary>Relative frequencies of the tokens of <paramref name="batch"/>.</summary>
    internal static double[] UnigramOf(TokenBatch batch, int vocabularySize)
    {
        var p = new double[vocabularySize];
        foreach (var t in batch.Tokens)
        {
            p[t]++;
        }
        var n = batch.TokenCount;
        for (var w = 0; w < vocabularySize && n > 0; w++)
        {
            p[w] /= n;
        }
        return p;
    }
}
