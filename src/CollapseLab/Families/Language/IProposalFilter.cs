using CollapseLab.Random;

namespace CollapseLab.Families.Language;

/// <summary>
/// Accepts or rejects one proposal of <see cref="ILanguageModel.SampleNextAccepted{TFilter}"/>; it may draw from
/// the stream (a watermark keeps a red token with chance e^(−δ)). A struct, so the draw loop is specialised per filter.
/// </summary>
public interface IProposalFilter
{
    bool Accept(int token, RandomStream rng);
}
