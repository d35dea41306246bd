using CollapseLab.Tensors.IO;
using Xunit.Abstractions;

namespace CollapseLab.Tensors.Tests.Support;

/// <summary>llm.c-style comparisons: report the largest difference, fail beyond a tolerance.</summary>
internal static class Compare
{
    /// <summary>max |actual − expected| / max(max |expected|, 1e-6), the error relative to the tensor's scale.</summary>
    public static double MaxRelative(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, scale = 1e-6;
        for (var i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
            Assert.False(float.IsNaN(actual[i]), $"NaN at {i}");
        }

        return maxDiff / scale;
    }

    public static void Close(ITestOutputHelper output, string what, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance)
    {
        var rel = MaxRelative(actual, expected);
        output.WriteLine($"{what}: max relative difference {rel:E2}");
        Assert.True(rel <= tolerance, $"{what}: max relative difference {rel:E2} exceeds {tolerance:E0}");
    }
}

/// <summary>The PyTorch reference files made by Fixtures/make_fixtures.py.</summary>
internal static class Fixtures
{
    private static readonly Dictionary<string, Dictionary<string, Tensor>> Cache = [];

    public static Dictionary<string, Tensor> Load(string file)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out var tensors))
            {
                tensors = SafeTensors.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", file));
                Cache[file] = tensors;
            }

            return tensors;
        }
    }

    /// <summary>A fresh copy of a fixture tensor, so tests can mark it trainable without sharing state.</summary>
    public static Tensor Get(string file, string name) => Load(file)[name].Clone();

    public static int[] Ints(string file, string name) => Load(file)[name].ToArray().Select(v => (int)v).ToArray();
}
