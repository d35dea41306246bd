namespace CollapseLab.Families;

/// <summary>A family of language models of a fixed Markov order (model.order), comparable with a synthetic language's data.order.</summary>
public interface IFixedOrder
{
    int Order { get; }
}
