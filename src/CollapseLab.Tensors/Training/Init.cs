namespace CollapseLab.Tensors.Training;

/// <summary>
/// Seeded initialisers. The values depend only on the seed, so a model built twice with the same seeds is identical.
/// For a weight (fan_out, fan_in, …) fan_in is the product of all but the first dimension.
/// </summary>
public static class Init
{
    /// <summary>Fills with N(mean, std²).</summary>
    public static void Normal(Tensor t, float std, ulong seed, float mean = 0f)
    {
        var rng = new SeededRandom(seed);
        var d = t.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = (float)(mean + (std * rng.NextNormal()));
        }
    }

    /// <summary>Fills with U(low, high).</summary>
    public static void Uniform(Tensor t, float low, float high, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var d = t.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = (float)(low + ((high - low) * rng.NextDouble()));
        }
    }

    public static void Constant(Tensor t, float value) => t.Data.Fill(value);

    /// <summary>Glorot: U(±√(6/(fan_in+fan_out))).</summary>
    public static void XavierUniform(Tensor t, ulong seed)
    {
        var (fanIn, fanOut) = Fans(t);
        var bound = MathF.Sqrt(6f / (fanIn + fanOut));
        Uniform(t, -bound, bound, seed);
    }

    /// <summary>Glorot: N(0, 2/(fan_in+fan_out)).</summary>
    public static void XavierNormal(Tensor t, ulong seed)
    {
        var (fanIn, fanOut) = Fans(t);
        Normal(t, MathF.Sqrt(2f / (fanIn + fanOut)), seed);
    }

    /// <summary>He, for ReLU: N(0, 2/fan_in).</summary>
    public static void KaimingNormal(Tensor t, ulong seed) => Normal(t, MathF.Sqrt(2f / Fans(t).FanIn), seed);

    /// <summary>He, for ReLU: U(±√(6/fan_in)).</summary>
    public static void KaimingUniform(Tensor t, ulong seed)
    {
        var bound = MathF.Sqrt(6f / Fans(t).FanIn);
        Uniform(t, -bound, bound, seed);
    }

    /// <summary>PyTorch's nn.Linear default for weight and bias: U(±1/√fan_in).</summary>
    public static void LinearDefault(Tensor weight, Tensor? bias, ulong seed)
    {
        var bound = 1f / MathF.Sqrt(Fans(weight).FanIn);
        Uniform(weight, -bound, bound, seed);
        if (bias is not null)
        {
            Uniform(bias, -bound, bound, seed ^ 0x5bd1e995UL);
        }
    }

    private static (int FanIn, int FanOut) Fans(Tensor t)
    {
        if (t.Rank < 2)
        {
            throw new ArgumentException($"fan-based initialisers need rank 2 or more, but the shape is {Shapes.Format(t.Shape)}");
        }

        var fanIn = t.Length / t.Shape[0];
        return (fanIn, t.Shape[0] * (fanIn / t.Shape[1]));
    }
}
