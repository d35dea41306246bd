using CollapseLab.Extending;
using CollapseLab.Families;
using CollapseLab.Random;
using CollapseLab.Running;
using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Tests.Extending.Walkthrough;

namespace CollapseLab.Tests.Extending;

/// <summary>
/// The contract every registered family keeps, checked on its registered example (like scikit-learn's
/// check_estimator): a family is tested the day it is registered, with no test code of its own. The walkthrough
/// family of the test project is part of the walk, so the contract holds for families outside the library too.
/// </summary>
[Trait("Speed", "slow")]
public class FamilyContractTests
{
    private static Catalog Catalog => WalkthroughCatalog.Catalog;

    public static TheoryData<string> Families() => new(Catalog.Families.Names);

    /// <summary>The family's example as a spec: a few generations and replicates, its default metrics.</summary>
    private static string Spec(string family, string modelExtra = "") => $"""
        name: contract-{family}
        seed: 3
        generations: 3
        replicates: 2
        {WithModelOption(Catalog.Families[family].Example, modelExtra)}
        """;

    private static string WithModelOption(string example, string extra)
    {
        if (extra.Length == 0)
        {
            return example;
        }
        var lines = example.Split('\n');
        var model = Array.FindIndex(lines, l => l.StartsWith("model:", StringComparison.Ordinal));
        lines[model] = lines[model].TrimEnd()[..^1].TrimEnd() + $", {extra} }}";
        return string.Join("\n", lines);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Fits_its_example_samples_and_gives_numbers(string family)
    {
        var spec = TestSpecs.Load(Catalog, Spec(family));
        var results = TestSpecs.Run(spec, threads: 2);
        Assert.All(results, r => Assert.Equal(spec.Generations + 1, r.Completed));
        foreach (var result in results)
        {
            for (var m = 0; m < spec.Metrics.Count; m++)
            {
                var first = result.Value(0, m);
                Assert.False(double.IsNaN(first) || double.IsInfinity(first), $"{family}: {spec.Metrics[m].Name} at generation 0 is {first}");
                for (var g = 1; g <= spec.Generations; g++)
                {
                    Assert.False(double.IsNaN(result.Value(g, m)), $"{family}: {spec.Metrics[m].Name} at generation {g} is NaN");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Declares_exactly_the_capabilities_its_models_have(string family)
    {
        var spec = TestSpecs.Load(Catalog, Spec(family));
        var arm = spec.Arms[0];
        var pool = arm.Data.Pool(spec.Seed, 0);
        var model = arm.Family.Fit(pool, new FitContext(0, new StreamKey(spec.Seed, 0, 0, Purpose.Fit), 1, null, null, pool) { RealData = arm.Data });
        foreach (var capability in Capabilities.All)
        {
            Assert.True(Catalog.Provides(arm.Family, capability) == capability.IsProvidedBy(arm.Family, model),
                $"{family} {(Catalog.Provides(arm.Family, capability) ? "declares" : "does not declare")} {capability.Name}, but its {(capability.OfFamily ? "family" : "model")} {(capability.IsProvidedBy(arm.Family, model) ? "implements" : "does not implement")} {capability.Provider.Name}");
        }
        Assert.Equal(arm.SamplesPerGeneration, model.Sample(arm.SamplesPerGeneration, new StreamKey(spec.Seed, 0, 0, Purpose.Sample), 1).Count);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Gives_the_same_bits_for_one_and_two_threads(string family)
    {
        var one = TestSpecs.Run(TestSpecs.Load(Catalog, Spec(family)), threads: 1);
        var two = TestSpecs.Run(TestSpecs.Load(Catalog, Spec(family)), threads: 2);
        for (var i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i].Values, two[i].Values);
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Turns_a_bad_option_into_a_located_error(string family)
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load(Catalog, Spec(family, "not_an_option: 1")));
        Assert.Equal("model.not_an_option", error.Key);
        Assert.Equal(6, error.Where?.Line);
        Assert.Contains("unknown key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Resumes_to_the_results_of_an_uninterrupted_run(string family)
    {
        var runs = TestSpecs.TempDirectory();
        var whole = RunSession.Start(TestSpecs.Load(Catalog, Spec(family)), runs, 2);
        Assert.True(whole.Execute(CancellationToken.None));

        using var stop = new CancellationTokenSource();
        var options = new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= 3)
            {
                stop.Cancel();
            }
        });
        var first = RunSession.Start(TestSpecs.Load(Catalog, Spec(family)), runs, 2, options);
        Assert.False(first.Execute(stop.Token));
        Assert.True(RunSession.Resume(new RunFolder(first.Folder.Path), runs, 2, catalog: Catalog).Execute(CancellationToken.None));
        Assert.Equal(File.ReadAllText(whole.Folder.File("metrics.csv")), File.ReadAllText(first.Folder.File("metrics.csv")));
    }
}
