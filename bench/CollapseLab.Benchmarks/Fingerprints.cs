using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CollapseLab.Benchmarks;

/// <summary>A short sha256 of results, printed beside a timing so that two builds can be compared bit for bit.</summary>
public static class Fingerprints
{
    public static string Of(ReadOnlySpan<double> values) => Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values)))[..16];
}
