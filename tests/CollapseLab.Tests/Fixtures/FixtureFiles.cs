namespace CollapseLab.Tests.Fixtures;

/// <summary>Finds committed fixture files in the source tree (tests/CollapseLab.Tests/Fixtures/…) from the test binary.</summary>
internal static class FixtureFiles
{
    public static string Path(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "CollapseLab.Tests", "Fixtures", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
            dir = dir.Parent;
        }
        throw new FileNotFoundException($"fixture {relative} not found above {AppContext.BaseDirectory}");
    }
}
