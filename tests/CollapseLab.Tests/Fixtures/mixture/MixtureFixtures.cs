namespace CollapseLab.Tests.Fixtures.Mixture;

/// <summary>Finds committed fixture files (tests/CollapseLab.Tests/Fixtures/…) and example specs (experiments/…) in the source tree from the test binary.</summary>
internal static class MixtureFixtures
{
    public static string Path(string relative) => Find(System.IO.Path.Combine("tests", "CollapseLab.Tests", "Fixtures", relative));

    public static string Example(string name) => Find(System.IO.Path.Combine("experiments", name));

    private static string Find(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
            dir = dir.Parent;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
