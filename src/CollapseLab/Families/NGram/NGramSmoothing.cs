namespace CollapseLab.Families.NGram;

/// <summary>How an n-gram model spreads probability to what it has not seen.</summary>
public enum NGramSmoothing
{
    /// <summary>Interpolated modified Kneser–Ney (Chen &amp; Goodman): three discounts per order, continuation counts below the top order.</summary>
    KneserNey,

    /// <summary>Additive (Lidstone) on the top order only: p(w|h) = (c(h w) + α)/(c(h) + α·V); α = 0 is maximum likelihood.</summary>
    Additive,
}
