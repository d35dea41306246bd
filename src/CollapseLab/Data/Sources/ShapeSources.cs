using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// The classic 2-D/3-D manifolds (scikit-learn's make_moons, make_circles, make_swiss_roll) as continuous
/// distributions: the position along the curve is uniform (not a fixed grid), then Gaussian <c>noise</c> (std) is
/// added to every coordinate. Their truth is not a Gaussian mixture, so reference moments are the test set's.
/// </summary>
public static class ShapeSources
{
    /// <summary>
    /// Accepts <c>dim: 2</c> so that one data section can sweep sources of several shapes (blobs and the swiss roll
    /// take a dimension too); any other value is an error.
    /// </summary>
    private static void RequirePlanar(SpecReader data, string shape)
    {
        var dim = data.Int("dim", 2);
        if (dim != 2)
        {
            throw data.Error("dim", $"{shape} are 2-D; use dim: 2 or leave it out (blobs, mixture and swiss_roll take other dimensions).");
        }
    }

    /// <summary>Two interleaving half circles: outer (cos t, sin t), inner (1 − cos t, ½ − sin t), t ~ U(0, π).</summary>
    public static Func<ulong, ExperimentData> Moons(SpecReader data)
    {
        var noise = data.Double("noise", 0.1, min: 0);
        RequirePlanar(data, "two moons");
        var (train, test) = SyntheticRowData.ReadSizes(data);
        return seed => new SyntheticRowData((count, key) => SyntheticRowData.Draw(count, 2, key, (rows, rng) =>
        {
            for (var r = 0; r < rows.Length; r += 2)
            {
                var t = Math.PI * rng.NextDouble();
                var outer = rng.NextDouble() < 0.5;
                rows[r] = (outer ? Math.Cos(t) : 1 - Math.Cos(t)) + noise * rng.NextNormal();
                rows[r + 1] = (outer ? Math.Sin(t) : 0.5 - Math.Sin(t)) + noise * rng.NextNormal();
            }
        }), null, train, test, seed, $"two moons, noise={noise}");
    }

    /// <summary>Two concentric circles of radius 1 and <c>factor</c>, each point on either with probability ½.</summary>
    public static Func<ulong, ExperimentData> Circles(SpecReader data)
    {
        var noise = data.Double("noise", 0.05, min: 0);
        var factor = data.Double("factor", 0.5, min: 0, max: 1, exclusiveMin: true);
        if (factor >= 1)
        {
            throw data.Error("factor", "the inner circle's radius must be below 1 (the outer one's), e.g. factor: 0.5.");
        }
        RequirePlanar(data, "circles");
        var (train, test) = SyntheticRowData.ReadSizes(data);
        return seed => new SyntheticRowData((count, key) => SyntheticRowData.Draw(count, 2, key, (rows, rng) =>
        {
            for (var r = 0; r < rows.Length; r += 2)
            {
                var t = 2 * Math.PI * rng.NextDouble();
                var radius = rng.NextDouble() < 0.5 ? 1 : factor;
                rows[r] = radius * Math.Cos(t) + noise * rng.NextNormal();
                rows[r + 1] = radius * Math.Sin(t) + noise * rng.NextNormal();
            }
        }), null, train, test, seed, $"circles, factor={factor}, noise={noise}");
    }

    /// <summary>
    /// Swiss roll, t = 1.5π(1 + 2u), u ~ U(0, 1): in 3-D (t cos t, 21v, t sin t) with v ~ U(0, 1); in 2-D the
    /// spiral (t cos t, t sin t).
    /// </summary>
    public static Func<ulong, ExperimentData> SwissRoll(SpecReader data)
    {
        var dim = data.Int("dim", 3, min: 2, max: 3);
        var noise = data.Double("noise", 0.0, min: 0);
        var (train, test) = SyntheticRowData.ReadSizes(data);
        return seed => new SyntheticRowData((count, key) => SyntheticRowData.Draw(count, dim, key, (rows, rng) =>
        {
            for (var r = 0; r < rows.Length; r += dim)
            {
                var t = 1.5 * Math.PI * (1 + 2 * rng.NextDouble());
                rows[r] = t * Math.Cos(t) + noise * rng.NextNormal();
                if (dim == 3)
                {
                    rows[r + 1] = 21 * rng.NextDouble() + noise * rng.NextNormal();
                    rows[r + 2] = t * Math.Sin(t) + noise * rng.NextNormal();
                }
                else
                {
                    rows[r + 1] = t * Math.Sin(t) + noise * rng.NextNormal();
                }
            }
        }), null, train, test, seed, $"swiss roll, d={dim}, noise={noise}");
    }
}
