using CollapseLab.Data;
using CollapseLab.Random;

namespace CollapseLab.Families;

/// <summary>
/// A model of labelled rows, p(x, c) = w_c·p(x | c): it samples rows with their class (for a mixture, the component
/// that drew each row) and classifies a row by its most probable class. Labelled verification and accuracy on the
/// real test labels ask for this.
/// </summary>
public interface IClassConditional : IModel
{
    /// <summary>Labels run over 0 … Classes−1.</summary>
    int Classes { get; }

    /// <summary><paramref name="count"/> rows with <see cref="RowBatch.Labels"/> set.</summary>
    RowBatch SampleLabelled(int count, StreamKey stream, int threads);

    /// <summary>argmax_c w_c·p(x | c).</summary>
    int Classify(ReadOnlySpan<double> x);
}
