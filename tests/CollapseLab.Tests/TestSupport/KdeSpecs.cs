using System.Runtime.CompilerServices;
using CollapseLab.Specs;

namespace CollapseLab.Tests.TestSupport;

/// <summary>Helpers for the KDE, regression and sample-metric tests: inline specs and fixture paths.</summary>
internal static class KdeSpecs
{
    public static ExperimentSpec Load(string yaml) => SpecLoader.Load(SpecParser.ParseDocument(yaml, "test.yaml"), ".");

    /// <summary>tests/CollapseLab.Tests/Fixtures/<paramref name="area"/>, found from this source file's path.</summary>
    public static string FixtureDirectory(string area) => Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "Fixtures", area);

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
