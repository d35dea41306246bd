namespace CollapseLab.Data.Text;

/// <summary>
/// Maps text to token ids in [0, V) and back. <see cref="Boundary"/> is the id that marks where a sequence starts
/// and ends (n-gram padding, end of a generation). Immutable once built, so one tokenizer serves every chain.
/// </summary>
public abstract class Tokenizer
{
    /// <summary>The spec name: "char", "word" or "bpe".</summary>
    public abstract string Kind { get; }

    /// <summary>V: ids run from 0 to V − 1.</summary>
    public abstract int VocabularySize { get; }

    public abstract int Boundary { get; }

    public abstract int[] Encode(string text);

    public abstract string Decode(ReadOnlySpan<int> tokens);

    /// <summary>The text of one token, for tables of types.</summary>
    public abstract string TokenText(int id);

    public string Describe() => $"{Kind} tokenizer, V={VocabularySize:N0}";
}
