using CollapseLab.Data.Images;
using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Tests.Fixtures.Mixture;

namespace CollapseLab.Tests.Data.Sources;

/// <summary>Every file source takes its path after the colon or under <c>path:</c>, and saves one form.</summary>
public class SourcePathTests
{
    private static readonly Lazy<string> Files = new(() =>
    {
        var dir = TestSpecs.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "rows.csv"), "a,b\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"{i},{i % 7}\n")));
        File.WriteAllText(Path.Combine(dir, "corpus.txt"), string.Join("\n\n", Enumerable.Range(0, 30).Select(i => $"paragraph {i} says the cat sat on mat {i % 5}")));
        var wiki = Directory.CreateDirectory(Path.Combine(dir, "wiki")).FullName;
        foreach (var part in new[] { "train", "test" })
        {
            File.WriteAllText(Path.Combine(wiki, $"wiki.{part}.raw"), string.Concat(Enumerable.Range(0, 6).Select(i => $" = Article {i} = \n the {part} text of article {i} runs on for a few words more \n")));
        }
        var pixels = Enumerable.Range(0, 12 * 4 * 4).Select(i => (byte)(i * 7)).ToArray();
        IdxFile.Write(Path.Combine(dir, "images.idx"), pixels, 12, 4, 4);
        return dir;
    });

    /// <summary>Source, its file (relative to the spec's folder, or absolute), other data keys, and a family that fits it.</summary>
    public static TheoryData<string, string, string, string> Sources() => new()
    {
        { "csv", "rows.csv", "", "gaussian" },
        { "npy", Path.GetFullPath(MixtureFixtures.Path("mixture/f8_4x3.npy")), ", test: 0.5", "gaussian" },
        { "text", "corpus.txt", ", block: 4", "{ family: ngram, order: 2 }" },
        { "wikitext", "wiki", ", block: 4", "{ family: ngram, order: 2 }" },
        { "idx", "images.idx", ", test: 4", "gaussian" },
    };

    private static ExperimentSpec Load(string data, string model) => SpecLoader.Load(SpecParser.ParseDocument($"""
        generations: 1
        data: {data}
        model: {model}
        """, "s.yaml"), Files.Value);

    [Theory]
    [MemberData(nameof(Sources))]
    public void The_path_after_the_colon(string name, string path, string options, string model) =>
        AssertRead(Load($"{{ source: \"{name}:{path}\"{options} }}", model), name, path);

    [Theory]
    [MemberData(nameof(Sources))]
    public void The_path_under_its_own_key(string name, string path, string options, string model) =>
        AssertRead(Load($"{{ source: {name}, path: \"{path}\"{options} }}", model), name, path);

    [Theory]
    [MemberData(nameof(Sources))]
    public void Both_forms_at_once_or_neither_are_refused(string name, string path, string options, string model)
    {
        var twice = Assert.Throws<SpecException>(() => Load($"{{ source: \"{name}:{path}\", path: \"{path}\"{options} }}", model));
        Assert.Contains("'data.path': the path is given twice", twice.Message, StringComparison.Ordinal);
        var none = Assert.Throws<SpecException>(() => Load($"{{ source: {name}{options} }}", model));
        Assert.Contains("s.yaml:2:", none.Message, StringComparison.Ordinal);
        Assert.Contains($"the {name} source needs the path of", none.Message, StringComparison.Ordinal);
        Assert.Contains($"or source: {name} with path:", none.Message, StringComparison.Ordinal);
    }

    private static void AssertRead(ExperimentSpec spec, string name, string path)
    {
        Assert.True(spec.Arms[0].Data.Pool(spec.Seed, 0).Count > 0);
        var saved = ResolvedYaml.Write(spec.Resolved);
        Assert.Contains($"source: {name}:{Path.GetFullPath(Path.Combine(Files.Value, path))}", saved, StringComparison.Ordinal);
        Assert.DoesNotContain("path:", saved, StringComparison.Ordinal);
    }
}
