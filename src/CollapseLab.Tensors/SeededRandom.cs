namespace CollapseLab.Tensors;

/// <summary>
/// Normals by Box–Muller in float64 on top of <see cref="Xoshiro256"/>, for initialisers and dropout masks: a
/// stream that depends only on the seed.
/// </summary>
internal sealed class SeededRandom(ulong seed)
{
    private Xoshiro256 _state = new(seed);
    private double _spare;
    private bool _hasSpare;

    public ulong NextUInt64() => _state.Next();

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => _state.NextDouble();

    /// <summary>Standard normal.</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        double u;
        do
        {
            u = NextDouble();
        }
        while (u == 0.0);

        var r = Math.Sqrt(-2.0 * Math.Log(u));
        var theta = 2.0 * Math.PI * NextDouble();
        _spare = r * Math.Sin(theta);
        _hasSpare = true;
        return r * Math.Cos(theta);
    }
}
