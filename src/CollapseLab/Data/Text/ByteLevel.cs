namespace CollapseLab.Data.Text;

/// <summary>
/// GPT-2's reversible byte ↔ character map: the printable bytes '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for
/// themselves; the other 68 bytes take the characters U+0100, U+0101, … in byte order. Every token of a byte-level
/// BPE vocabulary is a string of these characters.
/// </summary>
public static class ByteLevel
{
    public static readonly char[] ByteToChar = BuildForward();

    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    private static char[] BuildForward()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = ByteToChar[bytes[i]];
        }
        return new string(chars);
    }

    /// <summary>The bytes a token string stands for; false when it holds a character outside the map.</summary>
    public static bool TryDecode(string token, List<byte> into)
    {
        foreach (var c in token)
        {
            if (!CharToByte.TryGetValue(c, out var b))
            {
                return false;
            }
            into.Add(b);
        }
        return true;
    }
}
