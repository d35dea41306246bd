using CollapseLab.Cli;
using CollapseLab.Specs;
using CollapseLab.Tests.Fixtures.Mixture;

namespace CollapseLab.Tests.Families.Mixture;

/// <summary>The shipped example specs load, and bad mixture input exits with code 2 through the CLI.</summary>
public class MixtureExampleTests
{
    [Fact]
    public void ErrorSourcesHasItsFourArms()
    {
        var spec = SpecLoader.LoadFile(MixtureFixtures.Example("error-sources.yaml"));
        Assert.Equal(["statistical-only", "expressivity-only", "approximation-only", "all-three"], spec.Arms.Select(a => a.Name));
        Assert.Contains(spec.Metrics, m => m.Name == "l2_to_real");
    }

    [Fact]
    public void ShumailovPresetOverridesLoad()
    {
        var spec = SpecLoader.LoadFile(MixtureFixtures.Example("shumailov-gmm.yaml"), ["generations=100", "replicates=4"]);
        Assert.Equal(100, spec.Generations);
        Assert.Equal(["replace", "keep-real-10%"], spec.Arms.Select(a => a.Name));
    }

    [Fact]
    public void TooManyComponentsExitsTwo()
    {
        var dir = Directory.CreateTempSubdirectory("gmm");
        var path = Path.Combine(dir.FullName, "k.yaml");
        File.WriteAllText(path, "generations: 3\ndata: { source: blobs, centers: 2, train: 50 }\nmodel: { family: gmm, components: 8 }\nsamples_per_generation: 5\n");
        var error = new StringWriter();
        Assert.Equal(CollapseCli.BadInput, CollapseCli.Run(["validate", path], new StringWriter(), error));
        Assert.Contains("8 components need at least 8 training samples, but the smallest training set here has 5", error.ToString(), StringComparison.Ordinal);
    }
}
