using CollapseLab.Policies;

namespace CollapseLab.Running;

/// <summary>
/// A chain's training-set compositions by generation, kept flat (one count per generation plus a shared array of
/// origins) rather than as an object per generation: a long chain would otherwise leave every generation's
/// composition for the garbage collector to promote and trace. Generations are recorded in order.
/// </summary>
public sealed class CompositionLog(int generations)
{
    private readonly int[] _real = new int[generations + 1];
    private readonly int[] _start = new int[generations + 2];
    private OriginCount[] _origins = new OriginCount[Math.Min(generations + 1, 1024)];
    private int _recorded;

    /// <summary>Generations covered (G + 1).</summary>
    public int Length => _real.Length;

    /// <summary>Generation g's composition, or null when it was not recorded.</summary>
    public Composition? this[int generation] =>
        generation < _recorded && _real[generation] >= 0
            ? new Composition(_real[generation], _origins[_start[generation].._start[generation + 1]])
            : null;

    /// <summary>Records generation <see cref="Recorded"/>'s composition (null: not kept for this chain).</summary>
    public void Add(Composition? composition)
    {
        var g = _recorded;
        var start = _start[g];
        var synthetic = composition?.Synthetic ?? [];
        if (start + synthetic.Count > _origins.Length)
        {
            Array.Resize(ref _origins, Math.Max(_origins.Length * 2, start + synthetic.Count));
        }
        for (var i = 0; i < synthetic.Count; i++)
        {
            _origins[start + i] = synthetic[i];
        }
        _real[g] = composition?.Real ?? -1;
        _start[g + 1] = start + synthetic.Count;
        _recorded++;
    }

    /// <summary>Generations recorded so far (the next one to add).</summary>
    public int Recorded => _recorded;
}
