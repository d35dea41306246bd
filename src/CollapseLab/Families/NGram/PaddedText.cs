using System.Buffers;
using CollapseLab.Data.Text;

namespace CollapseLab.Families.NGram;

/// <summary>
/// Training sequences end to end, each with n − 1 boundaries in front and one behind. A position is a token to
/// predict: every real token and each closing boundary. The arrays are rented from the pool until disposed.
/// </summary>
internal sealed class PaddedText : IDisposable
{
    private readonly int[] _tokens;
    private readonly int[] _at;

    public PaddedText(TokenBatch data, int order, int boundary)
    {
        _tokens = ArrayPool<int>.Shared.Rent(data.TokenCount + data.Count * order);
        _at = ArrayPool<int>.Shared.Rent(data.TokenCount + data.Count);
        Positions = data.TokenCount + data.Count;
        int o = 0, p = 0;
        for (var s = 0; s < data.Count; s++)
        {
            var sequence = data.Sequence(s);
            _tokens.AsSpan(o, order - 1).Fill(boundary);
            o += order - 1;
            sequence.CopyTo(_tokens.AsSpan(o));
            for (var i = 0; i <= sequence.Length; i++)
            {
                _at[p++] = o + i;
            }
            o += sequence.Length;
            _tokens[o++] = boundary;
        }
    }

    public int Positions { get; }

    /// <summary>The token <paramref name="k"/> places before position <paramref name="p"/> (0 = the token at p).</summary>
    public int Back(int p, int k) => _tokens[_at[p] - k];

    /// <summary>
    /// The one-token contexts: the tokens that occur just before some position, numbered in token order; each
    /// position's number goes to <paramref name="context"/>.
    /// </summary>
    public ContextLevel LastTokenContexts(int vocabularySize, int[] context)
    {
        var number = new int[vocabularySize];
        for (var p = 0; p < Positions; p++)
        {
            number[Back(p, 1)] = 1;
        }
        var tokens = new List<int>();
        for (var w = 0; w < vocabularySize; w++)
        {
            if (number[w] > 0)
            {
                number[w] = tokens.Count;
                tokens.Add(w);
            }
        }
        for (var p = 0; p < Positions; p++)
        {
            context[p] = number[Back(p, 1)];
        }
        return new ContextLevel(new int[tokens.Count], tokens.ToArray());
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_tokens);
        ArrayPool<int>.Shared.Return(_at);
    }
}
