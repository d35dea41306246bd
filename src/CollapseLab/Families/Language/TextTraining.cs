using CollapseLab.Data;
using CollapseLab.Data.Text;

namespace CollapseLab.Families.Language;

/// <summary>What a language family's fit starts from: the training tokens, and the vocabulary of the real pool.</summary>
internal readonly record struct TextTraining(TokenBatch Batch, TokenBatch Pool, int Vocabulary, int Boundary)
{
    public static TextTraining Of(DataBatch train, FitContext context)
    {
        var pool = (TokenBatch)context.RealPool;
        return new TextTraining((TokenBatch)train, pool, TextData.VocabularySizeOf(pool), TextData.BoundaryOf(pool));
    }
}
