using CollapseLab.Running;
using CollapseLab.Tests.TestSupport;
using CollapseLab.Families.Regression;

namespace CollapseLab.Tests.Families.Regression;

/// <summary>
/// The regression loop against its closed forms (see <see cref="RegressionTheory"/>), at small sizes: d = 3 features,
/// σ² = 1, T = 20 rows, 12 generations, 1500 replicates. The tolerance is 4 standard errors of the replicate mean,
/// with fixed seeds. The full-size figures (d = 10, T = 100, generation 100) are recorded in
/// docs/classical-kde-regression.md.
/// </summary>
public class RegressionTheoryTests
{
    private const int Generations = 12;

    private static string Spec(string model, string policy, int samples = 20) => $$"""
        seed: 11
        generations: {{Generations}}
        replicates: 1500
        data: { source: linear, dim: 3, noise: 1.0, train: 20, test: 50 }
        model: { family: linear_regression, {{model}} }
        samples_per_generation: {{samples}}
        policy: { kind: {{policy}} }
        metrics: [weight_error]
        """;

    private static void AssertMatchesTheory(string yaml)
    {
        var spec = KdeSpecs.Load(yaml);
        var theory = spec.Catalog.Predict("weight_error", spec.Arms[0], Generations)!;
        Assert.NotNull(theory);
        var results = new ExperimentRunner(spec, null, 2).Run(CancellationToken.None)!;
        foreach (var g in new[] { 0, 3, Generations })
        {
            var values = results.Select(r => r.Value(g, 0)).ToArray();
            var mean = values.Average();
            var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            var se = sd / Math.Sqrt(values.Length);
            Assert.True(Math.Abs(mean - theory[g]) <= 4 * se, $"generation {g}: simulated {mean:G5} ± {se:G3}, theory {theory[g]:G5}");
        }
    }

    [Fact]
    public void ReplaceOnAFixedDesignGrowsLinearly() => AssertMatchesTheory(Spec("design: fixed, noise: known", "replace"));

    [Fact]
    public void ReplaceWithFittedNoiseKeepsTheSameExpectation() => AssertMatchesTheory(Spec("design: fixed, noise: fitted", "replace"));

    [Fact]
    public void ReplaceOnFreshDesignsAddsOneFitPerGeneration() => AssertMatchesTheory(Spec("design: fresh, noise: known", "replace", samples: 30));

    [Fact]
    public void AccumulateStaysBelowTheBaselPlateau() => AssertMatchesTheory(Spec("design: fixed, noise: known", "accumulate"));

    [Fact]
    public void IndexingCountsGenerationZeroAsTheFirstFit()
    {
        var theory = new RegressionTheory(Train: 100, Samples: 100, Features: 10, NoiseVariance: 1);
        Assert.Equal(10.0 / 89, theory.Replace(0, freshDesign: false), 1e-15);
        Assert.Equal(theory.Unit(100), theory.Accumulate(0), 1e-15);
        Assert.Equal(101 * 10.0 / 89, theory.Replace(100, freshDesign: false), 1e-12);
        Assert.InRange(theory.Accumulate(100), 0.1837, 0.1838);
        Assert.True(theory.Accumulate(10_000) < theory.AccumulateBound);
    }
}
