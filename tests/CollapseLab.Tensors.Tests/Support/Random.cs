namespace CollapseLab.Tensors.Tests.Support;

/// <summary>Seeded test data.</summary>
internal static class Rand
{
    public static Tensor Normal(ulong seed, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        Training.Init.Normal(t, 1f, seed);
        return t;
    }

    /// <summary>Normal values pushed at least <paramref name="gap"/> away from 0, for ops with a kink there.</summary>
    public static Tensor AwayFromZero(ulong seed, float gap, params int[] shape)
    {
        var t = Normal(seed, shape);
        var d = t.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] += d[i] >= 0 ? gap : -gap;
        }

        return t;
    }

    public static float[] Floats(ulong seed, int n) => Normal(seed, n).ToArray();
}
