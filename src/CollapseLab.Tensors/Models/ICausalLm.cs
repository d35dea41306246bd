namespace CollapseLab.Tensors.Models;

/// <summary>
/// A causal language network the transformer family trains and samples: logits for (B,T) token ids, a loss, its
/// parameters as one block, and a key/value-cached decoder. <see cref="Vocab"/> is the number of logits per position.
/// </summary>
public interface ICausalLm
{
    int Vocab { get; }

    /// <summary>T: the longest sequence a forward pass takes.</summary>
    int Context { get; }

    ParameterBlock Parameters { get; }

    /// <summary>Logits (B,T,V) for token ids idx laid out (B,T).</summary>
    Tensor Logits(ReadOnlySpan<int> idx, int b, int t);

    /// <summary>Mean cross-entropy of predicting targets (B,T) from idx (B,T).</summary>
    Tensor Loss(ReadOnlySpan<int> idx, ReadOnlySpan<int> targets, int b, int t);

    /// <summary>A fresh incremental decoder over <paramref name="batch"/> rows.</summary>
    IIncrementalDecoder Decoder(int batch);
}

/// <summary>Feeds one token per row at a time and returns the next-token logits, with a key/value cache.</summary>
public interface IIncrementalDecoder
{
    /// <summary>The position the next token will take.</summary>
    int Position { get; }

    /// <summary>Forgets every token fed so far.</summary>
    void Reset();

    /// <summary>Becomes a copy of <paramref name="source"/> (same network and batch), so both continue identically.</summary>
    void CopyFrom(IIncrementalDecoder source);

    /// <summary>Appends one token per row (B) and returns the next-token logits (B,V).</summary>
    Tensor Step(ReadOnlySpan<int> tokens);

    /// <summary>
    /// Appends tokens (B,L) and returns the logits (B,V) after the last; a decoder that runs the L positions in one
    /// batched pass overrides this, giving the same logits as L calls of <see cref="Step"/>.
    /// </summary>
    Tensor Feed(ReadOnlySpan<int> tokens, int length)
    {
        if (length < 1 || tokens.Length % length != 0)
        {
            throw new ArgumentException($"feed needs {length} tokens per row, got {tokens.Length}");
        }

        var rows = tokens.Length / length;
        var column = new int[rows];
        Tensor? last = null;
        for (var i = 0; i < length; i++)
        {
            for (var r = 0; r < rows; r++)
            {
                column[r] = tokens[(r * length) + i];
            }

            last = Step(column);
        }

        return last!;
    }
}
