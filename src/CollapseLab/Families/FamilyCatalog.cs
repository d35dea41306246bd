using CollapseLab.Families.Gaussian;
using CollapseLab.Families.Mixture;
using CollapseLab.Specs;

namespace CollapseLab.Families;

/// <summary>The registry of families named by <c>model.family</c>; each reads its own options.</summary>
public static class FamilyCatalog
{
    private static readonly Dictionary<string, Func<SpecReader, IFamily>> Registry = new()
    {
        ["gaussian"] = GaussianFamily.Read,
        ["kde"] = Families.Kde.KdeFamily.Read,
        ["linear_regression"] = Families.Regression.LinearRegressionFamily.Read,
        ["gmm"] = MixtureFamily.Read,
        ["categorical"] = Categorical.CategoricalFamily.Read,
        ["ngram"] = NGram.NGramFamily.Read,
        ["vae"] = Vae.VaeFamily.Read,
        ["transformer"] = Transformer.TransformerFamily.Read,
    };

    public static IReadOnlyCollection<string> Names => Registry.Keys;

    public static IFamily Read(SpecReader model)
    {
        var name = model.Choice("family", null, Registry.Keys);
        return Registry[name](model);
    }
}
