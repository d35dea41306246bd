namespace CollapseLab.Families.Language;

/// <summary>
/// A next-token distribution in the form count-based models give it cheaply: p(w) = sparse(w) + λ·base(w), with
/// sparse non-zero only on <see cref="Tokens"/> and base a dense distribution over all V tokens (the n-gram's
/// lowest order, the categorical's probabilities, or a network's softmax with λ = 1 and nothing sparse).
/// <see cref="BaseOrder"/>, when given, lists token ids by falling base probability. A reusable buffer: one per thread.
/// </summary>
public sealed class NextTokenDistribution
{
    private readonly double[] _sparse;
    private readonly bool[] _listed;

    public NextTokenDistribution(int vocabularySize)
    {
        _sparse = new double[vocabularySize];
        _listed = new bool[vocabularySize];
        Base = [];
    }

    public List<int> Tokens { get; } = [];

    public double Lambda { get; set; }

    public double[] Base { get; set; }

    public int[]? BaseOrder { get; set; }

    public int VocabularySize => _sparse.Length;

    public void Clear()
    {
        foreach (var t in Tokens)
        {
            _sparse[t] = 0;
            _listed[t] = false;
        }
        Tokens.Clear();
        Lambda = 0;
    }

    public void Add(int token, double p)
    {
        if (!_listed[token])
        {
            _listed[token] = true;
            Tokens.Add(token);
        }
        _sparse[token] += p;
    }

    public double Sparse(int token) => _sparse[token];

    public double Probability(int token) => _sparse[token] + Lambda * Base[token];
}
