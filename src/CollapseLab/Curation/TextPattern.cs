using System.Text.RegularExpressions;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// A regular expression from a spec key, with a match timeout so no generated text can hang a chain; a text that
/// times out counts as not matching.
/// </summary>
public static class TextPattern
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static Regex Read(SpecReader reader, string key)
    {
        var text = reader.String(key, null);
        try
        {
            return new Regex(text, RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException e)
        {
            throw reader.Error(key, $"is not a valid regular expression: {e.Message}");
        }
    }

    public static bool Matches(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
