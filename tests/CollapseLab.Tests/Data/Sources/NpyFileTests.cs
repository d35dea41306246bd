using System.Text;
using CollapseLab.Cli;
using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Specs;
using CollapseLab.Tests.Fixtures;

namespace CollapseLab.Tests.Data.Sources;

/// <summary>
/// The .npy reader. The *.npy fixtures were written by numpy 1.24.2 (Fixtures/mixture/make_fixtures.py); broken
/// files are made here by cutting or editing those bytes.
/// </summary>
public class NpyFileTests
{
    private static string Fixture(string name) => FixtureFiles.Path($"mixture/{name}");

    [Fact]
    public void ReadsFloat64TwoDimensional()
    {
        var rows = NpyFile.Load(Fixture("f8_4x3.npy"));
        Assert.Equal(3, rows.Dim);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i / 4.0), rows.Values);
    }

    [Fact]
    public void ReadsFloat32OneDimensionalAsOneColumn()
    {
        var rows = NpyFile.Load(Fixture("f4_5.npy"));
        Assert.Equal(1, rows.Dim);
        Assert.Equal(new double[] { 0.5, -1.25, 2.0, 3.75, 1e-3f }, rows.Values);
    }

    [Fact]
    public void ReadsBigEndian()
    {
        Assert.Equal(new[] { 1.5, -2.0, 3.25, 4.0 }, NpyFile.Load(Fixture("big_endian_f8_2x2.npy")).Values);
    }

    [Theory]
    [InlineData("fortran_3x2.npy", "Fortran")]
    [InlineData("int64_3x2.npy", "dtype '<i8' is not supported")]
    public void RefusesUnsupportedLayouts(string name, string message)
    {
        var e = Assert.Throws<SpecException>(() => NpyFile.Load(Fixture(name)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesTruncatedData()
    {
        var bytes = File.ReadAllBytes(Fixture("f8_4x3.npy"));
        var e = Assert.Throws<SpecException>(() => NpyFile.Parse(bytes[..^5], "cut.npy"));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains("needs 96 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesCorruptHeaderAndMagic()
    {
        var bytes = File.ReadAllBytes(Fixture("f8_4x3.npy"));
        var text = Encoding.Latin1.GetString(bytes).Replace("'shape'", "'shapx'", StringComparison.Ordinal);
        Assert.Contains("corrupt or unsupported .npy header", Assert.Throws<SpecException>(() => NpyFile.Parse(Encoding.Latin1.GetBytes(text), "h.npy")).Message, StringComparison.Ordinal);
        bytes[1] = (byte)'X';
        Assert.Contains("not a NumPy .npy file", Assert.Throws<SpecException>(() => NpyFile.Parse(bytes, "m.npy")).Message, StringComparison.Ordinal);
        Assert.Contains("not a NumPy .npy file", Assert.Throws<SpecException>(() => NpyFile.Parse([0x93, 1], "short.npy")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesThreeDimensionsAndNaN()
    {
        Assert.Contains("3 dimensions", Assert.Throws<SpecException>(() => NpyFile.Parse(Build("<f8", "(2, 1, 1)", [1, 2]), "3d.npy")).Message, StringComparison.Ordinal);
        Assert.Contains("row 2, column 1 is NaN", Assert.Throws<SpecException>(() => NpyFile.Parse(Build("<f8", "(2,)", [1, double.NaN]), "nan.npy")).Message, StringComparison.Ordinal);
    }

    /// <summary>A version 1.0 .npy file, written the way numpy does (header padded to a multiple of 64 bytes).</summary>
    private static byte[] Build(string descr, string shape, double[] values)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        header = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        writer.Write((ushort)header.Length);
        writer.Write(Encoding.Latin1.GetBytes(header));
        foreach (var v in values)
        {
            writer.Write(v);
        }
        return stream.ToArray();
    }

    [Fact]
    public void NpySourceSplitsLikeCsv()
    {
        var dir = Directory.CreateTempSubdirectory("npy");
        var values = Enumerable.Range(0, 200).Select(i => (double)i).ToArray();
        File.WriteAllBytes(Path.Combine(dir.FullName, "x.npy"), Build("<f8", "(100, 2)", values));
        var spec = SpecLoader.Load(SpecParser.ParseDocument("""
            generations: 1
            data: { source: npy:x.npy, test: 0.25, train: 50 }
            model: { family: gmm, components: 2 }
            """, "s.yaml"), dir.FullName);
        var data = (RowData)spec.Arms[0].Data;
        Assert.Equal(25, data.Test.Count);
        Assert.Equal(50, data.PoolSize);
        Assert.Equal(2, data.Dim);
    }

    [Fact]
    public void CorruptNpyThroughTheCliExitsTwo()
    {
        var dir = Directory.CreateTempSubdirectory("npy");
        File.WriteAllBytes(Path.Combine(dir.FullName, "bad.npy"), File.ReadAllBytes(Fixture("f8_4x3.npy"))[..^8]);
        var spec = Path.Combine(dir.FullName, "s.yaml");
        File.WriteAllText(spec, "generations: 1\ndata: { source: npy:bad.npy }\nmodel: { family: gmm, components: 1 }\n");
        var error = new StringWriter();
        Assert.Equal(CollapseCli.BadInput, CollapseCli.Run(["validate", spec], new StringWriter(), error));
        Assert.Contains("truncated", error.ToString(), StringComparison.Ordinal);
    }
}
