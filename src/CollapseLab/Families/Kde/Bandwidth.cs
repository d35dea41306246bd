using CollapseLab.Specs;

namespace CollapseLab.Families.Kde;

/// <summary>
/// How a KDE's bandwidth is chosen: a rule of the training-set size (recomputed each generation, since the size can
/// change) or fixed values. The rules are scikit-learn's, which assume standardised data and give one h for all
/// dimensions: Scott h = n^(−1/(d+4)); Silverman h = (n·(d+2)/4)^(−1/(d+4)).
/// </summary>
public sealed record Bandwidth(string? Rule, double[]? Values)
{
    public static readonly string[] Rules = ["scott", "silverman"];

    public static Bandwidth Scott => new("scott", null);

    public static Bandwidth Fixed(params double[] h) => new(null, h);

    /// <summary>Per-dimension bandwidths h₁…h_d for <paramref name="n"/> training rows of dimension <paramref name="d"/>.</summary>
    public double[] For(int n, int d)
    {
        if (Values is { } values)
        {
            return values.Length == 1 ? Enumerable.Repeat(values[0], d).ToArray() : (double[])values.Clone();
        }
        var h = Rule == "scott"
            ? Math.Pow(n, -1.0 / (d + 4))
            : Math.Pow(n * (d + 2) / 4.0, -1.0 / (d + 4));
        return Enumerable.Repeat(h, d).ToArray();
    }

    public override string ToString() =>
        Rule ?? (Values!.Length == 1 ? Values[0].ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : $"[{string.Join(", ", Values)}]");

    /// <summary>Reads <c>bandwidth</c>: scott, silverman, a positive number, or a list of positive numbers.</summary>
    public static Bandwidth Read(SpecReader model)
    {
        if (model.Node("bandwidth") is SpecScalar { Value: var text } && !double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            if (!Rules.Contains(text))
            {
                throw model.Error("bandwidth", $"unknown bandwidth rule '{text}'; give scott, silverman, a positive number, or one positive number per dimension.{Suggestions.DidYouMean(text, Rules)}");
            }
            model.String("bandwidth", null);
            return new Bandwidth(text, null);
        }
        var values = model.Doubles("bandwidth");
        if (values is null)
        {
            model.Resolved["bandwidth"] = "scott";
            return Scott;
        }
        if (values.Length == 0)
        {
            throw model.Error("bandwidth", "the list is empty; give one positive bandwidth per dimension.");
        }
        foreach (var h in values)
        {
            if (!(h > 0) || double.IsInfinity(h))
            {
                throw model.Error("bandwidth", $"must be greater than 0 (and finite), got {h.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}: a kernel of width 0 puts all mass on the training points. Use a positive number, e.g. 0.5, or scott.");
            }
        }
        return Fixed(values);
    }
}
