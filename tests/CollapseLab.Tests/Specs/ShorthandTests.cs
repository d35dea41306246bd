using CollapseLab.Policies;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Specs;

/// <summary>One-word sections and the path key read the same as their long forms.</summary>
public class ShorthandTests
{
    [Fact]
    public void One_word_sections_stand_for_their_main_key()
    {
        var spec = TestSpecs.Load("""
            generations: 2
            data: gaussian
            model: gaussian
            policy: { kind: keep-real, fraction: 0.3 }
            arms:
              - { policy: replace }
              - { name: kept }
            """);
        Assert.Equal(["replace", "kept"], spec.Arms.Select(a => a.Name));
        Assert.IsType<ReplacePolicy>(spec.Arms[0].Policy);
        Assert.Equal(new KeepRealPolicy(0.3), spec.Arms[1].Policy);
        Assert.Equal("gaussian", spec.Arms[0].Family.Name);
    }

    [Fact]
    public void An_arm_with_another_kind_does_not_inherit_the_shared_options()
    {
        var spec = TestSpecs.Load("""
            generations: 2
            model: { family: gmm, components: 2 }
            policy: { kind: mix, ratio: 0.5 }
            arms:
              - { name: mix }
              - { name: gauss, model: gaussian, policy: { kind: keep-real } }
            """);
        Assert.Equal(new MixPolicy(0.5), spec.Arms[0].Policy);
        Assert.Equal(new KeepRealPolicy(0.1), spec.Arms[1].Policy);
        Assert.Equal("gaussian", spec.Arms[1].Family.Name);
    }

    [Fact]
    public void A_path_key_names_the_file_of_a_path_source()
    {
        var folder = TestSpecs.TempDirectory();
        File.WriteAllText(Path.Combine(folder, "rows.csv"), "a,b\n1,2\n3,5\n4,4\n6,1\n2,2\n");
        var spec = SpecLoader.Load(SpecParser.ParseDocument("""
            generations: 2
            data: { source: csv, path: rows.csv, test: 0.4 }
            model: gaussian
            """, "test.yaml"), folder);
        Assert.Equal(2, spec.Arms[0].Data.Test.Count);

        var twice = Assert.Throws<SpecException>(() => SpecLoader.Load(SpecParser.ParseDocument("""
            generations: 2
            data: { source: "csv:rows.csv", path: rows.csv }
            model: gaussian
            """, "test.yaml"), folder));
        Assert.Contains("'data.path': the path is given twice", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grid_over_the_source_keeps_the_shared_data_options_and_an_arm_naming_another_source_does_not()
    {
        var swept = TestSpecs.Load("""
            generations: 2
            data: { source: moons, dim: 2, train: 20, test: 30 }
            model: { family: kde, bandwidth: 0.5 }
            grid: { data.source: [moons, circles, swiss_roll] }
            """);
        Assert.Equal(3, swept.Arms.Count);
        Assert.All(swept.Arms, a => Assert.Equal(30, a.Data.Test.Count));
        Assert.All(swept.Arms, a => Assert.Equal(2, ((CollapseLab.Data.RowData)a.Data).Dim));

        var own = TestSpecs.Load("""
            generations: 2
            data: { source: moons, dim: 2, train: 20, test: 30 }
            model: { family: kde, bandwidth: 0.5 }
            arms:
              - { name: moons }
              - { name: roll, data: { source: swiss_roll, train: 20 } }
            """);
        Assert.Equal(30, own.Arms[0].Data.Test.Count);
        Assert.Equal(10_000, own.Arms[1].Data.Test.Count);
        Assert.Equal(3, ((CollapseLab.Data.RowData)own.Arms[1].Data).Dim);
    }

    [Fact]
    public void A_set_on_a_key_the_grid_sweeps_is_an_error_not_ignored()
    {
        const string yaml = """
            generations: 2
            data: { source: moons, train: 20, test: 30 }
            model: { family: kde, bandwidth: 0.5 }
            grid: { model.bandwidth: [0.1, 1.0] }
            """;
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load(yaml, "model.bandwidth=-1"));
        Assert.Contains("--set model.bandwidth=-1", error.Message, StringComparison.Ordinal);
        Assert.Contains("the grid sweeps model.bandwidth", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, TestSpecs.Load(yaml, "data.test=40").Arms.Count);
    }
}
