using System.Text;
using Spectre.Console;

namespace CollapseLab.Cli.Terminal;

/// <summary>
/// Run data (arm and metric names, descriptions, alarm fields) is untrusted text on a terminal: an escape sequence in
/// it could move the cursor, retitle the window or hide output. Control characters (C0, DEL, C1, so ESC and CSI
/// begin nothing), bidirectional overrides and isolates are dropped, then Spectre markup is escaped.
/// </summary>
internal static class TerminalText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsControl(c) && c is not (>= '\u202A' and <= '\u202E') and not (>= '\u2066' and <= '\u2069') and not '\u200E' and not '\u200F')
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary><see cref="Clean"/>, escaped for Spectre markup.</summary>
    public static string Markup(string? text) => Spectre.Console.Markup.Escape(Clean(text));
}
