using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Specs;

namespace CollapseLab.Families.Categorical;

/// <summary>
/// A distribution over the vocabulary re-estimated from token counts, every sequence a bag of independent tokens:
/// p(w) = (c(w) + α)/(N + α·(V − 1)) over the V − 1 non-boundary tokens (α = 0: maximum likelihood, Kazdan et al.'s
/// discrete setting, where a type that gets no sample is lost for good).
/// </summary>
public sealed record CategoricalFamily(double Alpha, SamplingOptions Sampling) : IFamily
{
    public static FamilyRegistration Registration { get; } = new("categorical", Read,
        [Capabilities.SequenceLogProb, Capabilities.Watermarkable],
        "data: { source: zipf, vocab: 50, order: 1, block: 8, train: 20, test: 20 }\nmodel: { family: categorical, alpha: 0.5 }")
    {
        Theory = [new CategoricalTheory()],
    };

    public string Name => "categorical";

    public DataKind Kind => DataKind.Tokens;

    public IReadOnlyList<string> DefaultMetrics =>
        ["gini_impurity", "test_perplexity", "unigram_entropy", "vocab_coverage", "types_lost", "tail_share", "tail_prob", "zipf_exponent", "kl_truth"];

    public static CategoricalFamily Read(SpecReader model)
    {
        var alpha = model.Double("alpha", 0, min: 0);
        var sampling = model.Section("sampling", SamplingOptions.Read);
        return new CategoricalFamily(alpha, sampling);
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        TextData.Require(data, model, "a categorical model");
    }

    public IModel Fit(DataBatch train, FitContext context)
    {
        var (batch, pool, v, boundary) = TextTraining.Of(train, context);
        var p = new double[v];
        foreach (var t in batch.Tokens)
        {
            p[t]++;
        }
        var total = batch.TokenCount + Alpha * (v - 1);
        for (var w = 0; w < v; w++)
        {
            p[w] = w == boundary || total <= 0 ? 0 : (p[w] + Alpha) / total;
        }
        return new CategoricalModel(p, boundary, Sampling.ResolveFor(pool), Sampling.PromptsFrom(pool), pool.Tokenizer);
    }
}
