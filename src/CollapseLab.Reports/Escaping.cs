using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace CollapseLab.Reports;

/// <summary>
/// Everything that puts run data into the page goes through here. Generated samples are untrusted text: in HTML
/// they are entity-escaped (so `&lt;script&gt;` or `"&gt;&lt;img onerror=…&gt;` show as characters), and in the
/// embedded JSON every HTML-significant character is a \u escape, so no value can close its script element.
/// </summary>
public static class Escaping
{
    private static readonly JsonSerializerOptions Json = new()
    {
        // Create(...) always escapes < > & ' " + ` (HTML-sensitive) even with all ranges allowed.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        WriteIndented = false,
    };

    /// <summary>Text as HTML character data or a double-quoted attribute value.</summary>
    public static string Html(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                case '\0': sb.Append('\uFFFD'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A JSON value safe to place inside &lt;script type="application/json"&gt;.</summary>
    public static string ScriptJson(JsonNode node)
    {
        var json = node.ToJsonString(Json);
        // U+2028/2029 are valid in JSON but end lines in older JavaScript parsers.
        return json.Replace("\u2028", "\\u2028", StringComparison.Ordinal).Replace("\u2029", "\\u2029", StringComparison.Ordinal);
    }

    /// <summary>Sample text cut to <paramref name="max"/> characters (never inside a surrogate pair).</summary>
    public static (string Text, bool Cut) Excerpt(string text, int max)
    {
        if (text.Length <= max)
        {
            return (text, false);
        }
        var end = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return (text[..end], true);
    }
}
