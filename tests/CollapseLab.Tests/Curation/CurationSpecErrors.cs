using CollapseLab.Specs;

namespace CollapseLab.Tests.Curation;

/// <summary>Loads a small Gaussian spec with one curation step and checks the located error it must raise.</summary>
internal static class CurationSpecErrors
{
    public static void AssertRefused(string step, string key, string what)
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load($"""
            generations: 2
            data: {"{"} source: gaussian, train: 10, test: 10 {"}"}
            model: gaussian
            curation: [{step}]
            """));
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }
}
