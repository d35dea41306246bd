namespace CollapseLab.Tensors;

/// <summary>
/// All parameters of a model in one flat buffer, with one flat gradient buffer beside it, as in llm.c, but every
/// slice has a name. Optimisers and checkpoints work on the flat buffers; layers use the named tensors.
/// </summary>
public sealed class ParameterBlock
{
    private readonly Dictionary<string, Tensor> byName;

    /// <summary>Lays out the named shapes one after another, in the order given.</summary>
    public ParameterBlock(IEnumerable<(string Name, int[] Shape)> layout)
    {
        var entries = layout.ToList();
        var total = 0L;
        foreach (var (_, shape) in entries)
        {
            total += Shapes.Count(shape);
        }

        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"the parameters need {total} floats, more than one array can hold");
        }

        Data = new float[total];
        Gradient = new float[total];
        byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var slices = new List<ParameterSlice>(entries.Count);
        var offset = 0;
        foreach (var (name, shape) in entries)
        {
            var tensor = new Tensor(Data, offset, (int[])shape.Clone(), Gradient, offset);
            if (!byName.TryAdd(name, tensor))
            {
                throw new ArgumentException($"parameter name '{name}' is used twice");
            }

            slices.Add(new ParameterSlice(name, offset, tensor));
            offset += tensor.Length;
        }

        Slices = slices;
    }

    /// <summary>Every parameter value, slices back to back.</summary>
    public float[] Data { get; }

    /// <summary>The gradients, laid out as <see cref="Data"/>.</summary>
    public float[] Gradient { get; }

    public IReadOnlyList<ParameterSlice> Slices { get; }

    public int Count => Data.Length;

    /// <summary>The named parameter; an unknown name lists the known ones.</summary>
    public Tensor this[string name] => byName.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"no parameter '{name}'; known: {string.Join(", ", byName.Keys)}");

    public bool Contains(string name) => byName.ContainsKey(name);

    public void ZeroGrad() => Array.Clear(Gradient);
}

/// <summary>One named parameter: where it sits in the flat buffers, and the tensor that views it.</summary>
public sealed record ParameterSlice(string Name, int Offset, Tensor Tensor)
{
    public int Length => Tensor.Length;
}
