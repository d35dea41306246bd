using CollapseLab.Families.Language;

namespace CollapseLab.Families.NGram;

/// <summary>
/// Entry weights tilted by a watermark, w·e^(δ·green), as running sums with guide tables laid out as the model's,
/// for the contexts whose green list is fixed: those at least as long as the window, whose last tokens are the seed.
/// Each such context's tilted mass and the span of its boundary entry sit by context key, so choosing a level reads
/// one small record. A context is filled the first time a draw needs it, so green tests go only to contexts that are
/// sampled. Threads that race on a context write identical values, so the result does not depend on the thread count.
/// </summary>
internal sealed class TiltedWeights
{
    private readonly NGramModel.Draw[] _draws;
    private readonly Level[] _levels;
    private readonly NGramGuides _guides;
    private readonly double[] _weights;
    private readonly int _boundary;

    /// <summary>A context's tilted mass (NaN until filled) and where its boundary entry lies in its sums: [Below, Below + Skip).</summary>
    public struct Level
    {
        public double Mass;
        public double Below;
        public double Skip;
    }

    public TiltedWeights(GreenList green, double[] weights, NGramGuides layout, int keys, int boundary)
    {
        Green = green;
        Boost = Math.Exp(green.Watermark.Delta);
        _weights = weights;
        _boundary = boundary;
        _draws = GC.AllocateUninitializedArray<NGramModel.Draw>(weights.Length); // a context is written before it is read
        _levels = new Level[keys];
        Array.Fill(_levels, new Level { Mass = double.NaN, Below = double.PositiveInfinity });
        _guides = new NGramGuides(layout);
    }

    public GreenList Green { get; }

    /// <summary>e^δ.</summary>
    public double Boost { get; }

    /// <summary>Whether <paramref name="green"/> colours tokens as this one's list does (the same γ, key, window and δ).</summary>
    public bool Serves(GreenList green) => ReferenceEquals(green, Green) || (green.Watermark.Gamma == Green.Watermark.Gamma
        && green.Watermark.Delta == Green.Watermark.Delta && green.Watermark.Key == Green.Watermark.Key
        && green.Watermark.Window == Green.Watermark.Window && green.VocabularySize == Green.VocabularySize);

    /// <summary>The tilted level of the context with key <paramref name="key"/>, its green list seeded by <paramref name="seed"/>.</summary>
    public Level Of(in NGramContext context, int key, ulong seed, NGramModel.Draw[] plain, NGramGuides guides)
    {
        ref var level = ref _levels[key];
        if (double.IsNaN(Volatile.Read(ref level.Mass)))
        {
            Fill(ref level, context, guides.End(context), seed, plain);
        }
        return level;
    }

    /// <summary>Where entry e's tilted weight lies in its (filled) context's running sums: [below, below + weight).</summary>
    public (double Below, double Weight) Span(in NGramContext context, int e)
    {
        var below = e > context.Start ? _draws[e - 1].Cumulative : 0;
        return (below, _draws[e].Cumulative - below);
    }

    /// <summary>The token of a draw u &lt; <paramref name="mass"/> (the context's tilted mass) from its tilted entries.</summary>
    public int Token(in NGramContext context, double mass, double u)
    {
        u = Math.Min(u, Math.BitDecrement(mass)); // a cut-out entry's shift can round up to the mass
        return _guides.Token(context with { Mass = mass }, u, _draws);
    }

    private void Fill(ref Level level, in NGramContext context, int end, ulong seed, NGramModel.Draw[] plain)
    {
        var sum = 0.0;
        for (var e = context.Start; e < end; e++)
        {
            var token = plain[e].Token;
            var below = sum;
            sum += Green.IsGreen(seed, token) ? _weights[e] * Boost : _weights[e];
            _draws[e] = new NGramModel.Draw(sum, token);
            if (token == _boundary)
            {
                (level.Below, level.Skip) = (below, sum - below);
            }
        }
        if (context.Extra >= 0)
        {
            _guides.Fill(context.Extra, context.Start, end, sum, _draws);
        }
        Volatile.Write(ref level.Mass, sum);
    }
}
