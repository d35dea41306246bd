namespace CollapseLab.Families.NGram;

/// <summary>
/// What drawing from or scoring in one context needs: its count total, weight mass and the range of its entries.
/// Start = −1 marks a context that was never seen.
/// </summary>
internal readonly record struct NGramContext(double Total, double Mass, int Start, int End)
{
    public static readonly NGramContext Missing = new(0, 0, -1, -1);

    public bool Seen => Start >= 0;
}
