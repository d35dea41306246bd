namespace CollapseLab.Families.NGram;

/// <summary>
/// What drawing from or scoring in one context needs, in 24 bytes so that a hash slot holding it fills half a cache
/// line: its count total, weight mass, where its entries start, and <see cref="Extra"/>, which is ~End for a short
/// context (searched by scanning) and the offset of its guide table for a long one (see <see cref="NGramGuides"/>).
/// Start = −1 marks a context that was never seen.
/// </summary>
internal readonly record struct NGramContext(double Total, double Mass, int Start, int Extra)
{
    public static readonly NGramContext Missing = new(0, 0, -1, -1);

    public bool Seen => Start >= 0;
}
