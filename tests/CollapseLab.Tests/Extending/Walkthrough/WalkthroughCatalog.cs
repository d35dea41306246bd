using CollapseLab.Extending;

namespace CollapseLab.Tests.Extending.Walkthrough;

/// <summary>The built-in catalog plus the walkthrough family: the one registration line a new family needs.</summary>
internal static class WalkthroughCatalog
{
    public static Catalog Catalog { get; } = Catalog.BuiltIn.WithFamily(BoxFamily.Registration);
}
