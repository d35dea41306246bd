namespace CollapseLab.Numerics;

/// <summary>Distances between rows.</summary>
public static class Distance
{
    /// <summary>‖a − b‖².</summary>
    public static double Squared(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var s = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var e = a[j] - b[j];
            s += e * e;
        }
        return s;
    }
}
