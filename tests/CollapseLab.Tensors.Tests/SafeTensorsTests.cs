using System.Buffers.Binary;
using System.Text;
using CollapseLab.Tensors.IO;
using CollapseLab.Tensors.Models;

namespace CollapseLab.Tensors.Tests;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("collapselab-st-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Parameter_block_round_trips_with_metadata()
    {
        var model = new Vae(new VaeConfig(Inputs: 6, Hidden: 5, Latent: 2), seed: 3);
        var path = Path.Combine(dir, "vae.safetensors");
        SafeTensors.Save(path, model.Parameters, new Dictionary<string, string> { ["family"] = "vae" });
        var copy = new Vae(new VaeConfig(Inputs: 6, Hidden: 5, Latent: 2), seed: 4);
        Assert.NotEqual(model.Parameters.Data, copy.Parameters.Data);
        SafeTensors.LoadInto(path, copy.Parameters);
        Assert.Equal(model.Parameters.Data, copy.Parameters.Data);
        Assert.Equal("vae", SafeTensors.Metadata(path)["family"]);
        // the data starts 8-aligned, as the format recommends
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path)) % 8);
    }

    [Fact]
    public void Reads_f16_bf16_and_f64()
    {
        var file = Build(
            ("h", "F16", [2], BitConverter.GetBytes((Half)1.5).Concat(BitConverter.GetBytes((Half)(-2.25))).ToArray()),
            ("b", "BF16", [1], [0x80, 0x3F]),
            ("d", "F64", [1], BitConverter.GetBytes(0.125)));
        var t = SafeTensors.Load(file);
        Assert.Equal([1.5f, -2.25f], t["h"].ToArray());
        Assert.Equal([1f], t["b"].ToArray());
        Assert.Equal([0.125f], t["d"].ToArray());
    }

    [Fact]
    public void Wrong_dtype_names_tensor_and_dtype()
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(Build(("ids", "I64", [1], new byte[8]))));
        Assert.Contains("'ids'", e.Message, StringComparison.Ordinal);
        Assert.Contains("I64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_data_is_reported()
    {
        var file = Build(("w", "F32", [4], new byte[16]));
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(file.AsSpan(0, file.Length - 4)));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_headers_are_reported()
    {
        Assert.Contains("too short", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new byte[3])).Message, StringComparison.Ordinal);
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, 1000);
        Assert.Contains("header claims", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(huge)).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(Raw("{\"w\": "))).Message, StringComparison.Ordinal);
        Assert.Contains("JSON object", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(Raw("[1]"))).Message, StringComparison.Ordinal);
        Assert.Contains("data_offsets", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(Raw("{\"w\": {\"dtype\": \"F32\"}}"))).Message, StringComparison.Ordinal);
        var mismatch = Raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}");
        Assert.Contains("needs 12 bytes", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(mismatch)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_into_a_model_of_another_shape_names_the_tensor()
    {
        var path = Path.Combine(dir, "small.safetensors");
        SafeTensors.Save(path, new Vae(new VaeConfig(6, 5, 2), 1).Parameters);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadInto(path, new Vae(new VaeConfig(6, 4, 2), 1).Parameters));
        Assert.Contains("fc1.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("(5,6)", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Raw(string header)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    private static byte[] Build(params (string Name, string Dtype, int[] Shape, byte[] Data)[] tensors)
    {
        var sb = new StringBuilder("{");
        var offset = 0;
        foreach (var (name, dtype, shape, data) in tensors)
        {
            if (sb.Length > 1)
            {
                sb.Append(',');
            }

            sb.Append($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(',', shape)}],\"data_offsets\":[{offset},{offset + data.Length}]}}");
            offset += data.Length;
        }

        var header = Raw(sb.Append('}').ToString());
        return [.. header, .. tensors.SelectMany(t => t.Data)];
    }
}
