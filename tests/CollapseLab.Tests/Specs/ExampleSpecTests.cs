using System.Runtime.CompilerServices;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Specs;

/// <summary>Every committed example spec stays valid as the code under it changes.</summary>
public class ExampleSpecTests
{
    private static string ExperimentsFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "experiments"));

    /// <summary>Specs whose data come from a Debian package (KJV text, Fashion-MNIST) are loaded by their own tests.</summary>
    public static TheoryData<string> Specs()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(ExperimentsFolder(), "*.yaml").Order())
        {
            var text = File.ReadAllText(path);
            if (!text.Contains("source: kjv", StringComparison.Ordinal) && !text.Contains("fashion-mnist", StringComparison.Ordinal))
            {
                data.Add(Path.GetFileName(path));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Example_validates(string file)
    {
        var spec = SpecLoader.LoadFile(Path.Combine(ExperimentsFolder(), file));
        Assert.NotEmpty(spec.Arms);
        Assert.Contains(spec.Metrics, m => m.Name == "collapsed");
    }

    [Fact]
    public void The_examples_are_found() => Assert.True(Specs().Count >= 8);
}
