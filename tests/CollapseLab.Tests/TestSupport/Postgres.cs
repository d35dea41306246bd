namespace CollapseLab.Tests;

/// <summary>
/// The throwaway PostgreSQL cluster that the test command starts (scripts/services/postgres.sh writes its URL to
/// /tmp/collapselab-postgres/url). Without one, a test that needs it fails and says why; it never skips.
/// </summary>
internal static class Postgres
{
    private const string UrlFile = "/tmp/collapselab-postgres/url";

    public static string Url()
    {
        if (!File.Exists(UrlFile))
        {
            Assert.Fail($"no PostgreSQL for the index tests: {UrlFile} is missing. The test command starts one with scripts/services/postgres.sh (as root, with Debian's postgresql installed); run it and see /tmp/collapselab-postgres/server.log.");
        }
        var url = File.ReadAllText(UrlFile).Trim();
        try
        {
            CollapseLab.Storage.RunStore.Parse(url, "the test cluster").Runs();
        }
        catch (CollapseLab.Storage.StoreException e)
        {
            Assert.Fail($"the PostgreSQL of the index tests does not answer: {e.Message} Restart it with scripts/services/postgres.sh.");
        }
        return url;
    }
}
