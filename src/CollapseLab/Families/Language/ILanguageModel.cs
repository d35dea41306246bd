using CollapseLab.Random;

namespace CollapseLab.Families.Language;

/// <summary>
/// A model of token sequences, whatever its family (categorical, n-gram, transformer): it scores a sequence token
/// by token and gives its next-token distribution, which is all that the shared generator
/// (<see cref="TextGenerator"/>) and the language metrics need. Sequences start after an implicit boundary.
/// </summary>
public interface ILanguageModel : IModel
{
    /// <summary>V: tokens are ids in [0, V).</summary>
    int VocabularySize { get; }

    /// <summary>The id that starts and ends a sequence.</summary>
    int Boundary { get; }

    /// <summary>destination[i] = ln p(tokens[i] | tokens[0 .. i)) with the sequence starting after a boundary; −∞ where p = 0.</summary>
    void LogProbabilities(ReadOnlySpan<int> tokens, Span<double> destination);

    /// <summary>Fills <paramref name="into"/> with p(· | history) for the token after <paramref name="history"/>.</summary>
    void Next(ReadOnlySpan<int> history, NextTokenDistribution into);

    /// <summary>One exact draw from p(· | history) (the fast path of plain sampling).</summary>
    int SampleNext(ReadOnlySpan<int> history, RandomStream rng);

    /// <summary>
    /// Draws from p(· | history) until <paramref name="filter"/> accepts, at most <paramref name="tries"/> times; −1
    /// when none is accepted. The draws are those of calling <see cref="SampleNext"/> repeatedly, in the same order;
    /// a model whose context lookup dominates a draw overrides this to look it up once per token.
    /// </summary>
    int SampleNextAccepted<TFilter>(ReadOnlySpan<int> history, RandomStream rng, ref TFilter filter, int tries)
        where TFilter : struct, IProposalFilter
    {
        for (var i = 0; i < tries; i++)
        {
            var t = SampleNext(history, rng);
            if (filter.Accept(t, rng))
            {
                return t;
            }
        }
        return -1;
    }

    /// <summary>
    /// One exact draw from q(t) ∝ p(t | history)·e^(δ·green(t)), the green list of <paramref name="green"/> seeded by
    /// the history (which holds at least its window), never <paramref name="refused"/> (−1: none); −1 after
    /// <paramref name="tries"/> refused proposals. By default rejection from the model's own draws (a red token kept
    /// with chance e^(−δ)); a model that can weigh the parts of its distribution by their green mass overrides it.
    /// </summary>
    int SampleNextMarked(ReadOnlySpan<int> history, RandomStream rng, GreenList green, int refused, int tries)
    {
        var filter = new WatermarkFilter(refused, green, green.Seed(history), Math.Exp(green.Watermark.Delta));
        return SampleNextAccepted(history, rng, ref filter, tries);
    }

    /// <summary>The distribution over single tokens the model was fitted to (its unigram marginal), summing to 1.</summary>
    ReadOnlySpan<double> Unigram { get; }

    /// <summary>How the generator draws from this model.</summary>
    SamplingOptions Sampling { get; }
}
