using System.Globalization;

namespace CollapseLab.Storage;

/// <summary>Numbers as text, the same in every culture: shortest round-trip form, "inf"/"-inf", NaN as empty.</summary>
public static class Numbers
{
    public static string Format(double x) => x switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(x) => "",
        _ => x.ToString("R", CultureInfo.InvariantCulture),
    };

    public static string Format(double? x) => x is { } v ? Format(v) : "";

    public static double Parse(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>Short human form for tables: 4 significant digits.</summary>
    public static string Short(double x) => x switch
    {
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ when double.IsNaN(x) => "–",
        _ when x != 0 && (Math.Abs(x) >= 1e4 || Math.Abs(x) < 1e-3) => x.ToString("0.###e+0", CultureInfo.InvariantCulture),
        _ => x.ToString("G4", CultureInfo.InvariantCulture),
    };
}
