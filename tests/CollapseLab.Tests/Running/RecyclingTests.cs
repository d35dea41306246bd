using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Running;

/// <summary>Handing dropped samples back for reuse must never change a result.</summary>
public class RecyclingTests
{
    /// <summary>The same family with sample recycling switched off.</summary>
    private sealed class WithoutRecycling(IFamily inner) : IFamily
    {
        public string Name => inner.Name;

        public DataKind Kind => inner.Kind;

        public IReadOnlyList<string> DefaultMetrics => inner.DefaultMetrics;

        public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model) => inner.Validate(data, smallestTrainingSet, model);

        public IModel Fit(DataBatch train, FitContext context) => inner.Fit(train, context);

        public bool WarmStartsFromPrevious => inner.WarmStartsFromPrevious;

        public bool RecyclesSamples => false;
    }

    [Theory]
    [InlineData("{ family: kde }", "replace")]
    [InlineData("{ family: kde }", "{ kind: keep-real, fraction: 0.3 }")]
    [InlineData("{ family: gaussian }", "replace")]
    [InlineData("{ family: gmm, components: 2, init: warm }", "{ kind: fresh-real, fraction: 0.2 }")]
    public void Results_are_the_same_bits_with_and_without_recycling(string model, string policy)
    {
        var spec = TestSpecs.Load($"""
            seed: 3
            generations: 12
            replicates: 3
            data: {"{"} source: gaussian, dim: 2, train: 40, test: 200 {"}"}
            model: {model}
            policy: {policy}
            metrics: [mean_sq_error, trace_ratio, test_nll, tail_mass]
            """);
        Assert.All(spec.Arms, a => Assert.True(a.Family.RecyclesSamples));
        var plain = spec with { Arms = spec.Arms.Select(a => a with { Family = new WithoutRecycling(a.Family) }).ToList() };
        var recycled = TestSpecs.Run(spec, threads: 1);
        var reference = TestSpecs.Run(plain, threads: 1);
        for (var c = 0; c < recycled.Length; c++)
        {
            Assert.Equal(reference[c].Values, recycled[c].Values);
        }
    }
}
