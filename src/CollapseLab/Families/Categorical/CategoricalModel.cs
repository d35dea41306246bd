using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Random;

namespace CollapseLab.Families.Categorical;

/// <summary>Independent tokens from p: ln p(sequence) = Σ ln p(wᵢ); draws by inverse CDF.</summary>
public sealed class CategoricalModel : ILanguageModel
{
    private readonly double[] _p;
    private readonly double[] _cumulative;
    private readonly int[] _order;
    private readonly TokenBatch? _prompts;
    private readonly Tokenizer? _tokenizer;

    public CategoricalModel(double[] p, int boundary, SamplingOptions sampling, TokenBatch? prompts, Tokenizer? tokenizer)
    {
        _p = p;
        Boundary = boundary;
        Sampling = sampling;
        _prompts = prompts;
        _tokenizer = tokenizer;
        _cumulative = new double[p.Length];
        var acc = 0.0;
        var max = 0.0;
        for (var w = 0; w < p.Length; w++)
        {
            _cumulative[w] = acc += p[w];
            max = Math.Max(max, p[w]);
        }
        _order = Enumerable.Range(0, p.Length).OrderByDescending(w => p[w]).ThenBy(w => w).ToArray();
        Degeneracy = acc == 0 ? "no tokens to estimate from" : max >= 1 ? "all mass on one token" : null;
    }

    public ReadOnlySpan<double> Probabilities => _p;

    public int VocabularySize => _p.Length;

    public int Boundary { get; }

    public SamplingOptions Sampling { get; }

    public string? Degeneracy { get; }

    public ReadOnlySpan<double> Unigram => _p;

    public DataBatch Sample(int count, StreamKey stream, int threads) =>
        TextGenerator.Generate(this, _prompts, count, stream, threads, _tokenizer);

    public void LogProbabilities(ReadOnlySpan<int> tokens, Span<double> destination)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            destination[i] = Math.Log(_p[tokens[i]]);
        }
    }

    public void Next(ReadOnlySpan<int> history, NextTokenDistribution into)
    {
        into.Clear();
        into.Lambda = 1;
        into.Base = _p;
        into.BaseOrder = _order;
    }

    public int SampleNext(ReadOnlySpan<int> history, RandomStream rng)
    {
        var x = rng.NextDouble() * _cumulative[^1];
        var i = Array.BinarySearch(_cumulative, x);
        i = i < 0 ? ~i : i + 1;
        i = Math.Min(i, _p.Length - 1);
        while (_p[i] == 0 && i > 0)
        {
            i--;
        }
        return i;
    }
}
