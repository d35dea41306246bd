using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// A NumPy .npy array (format versions 1–3) of float64 or float32, either byte order, C order, 1-D (n rows of one
/// value) or 2-D (n rows × d). Anything else is refused with what to do in Python to convert it.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static RowBatch Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SpecException($"{path}: .npy file not found. Check the path in data.source or data.path (relative to the spec file).");
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    public static RowBatch Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new SpecException($"{path}: not a NumPy .npy file (it does not start with \\x93NUMPY). Save arrays with numpy.save(path, array).");
        }
        var major = bytes[6];
        if (major is < 1 or > 3)
        {
            throw new SpecException($"{path}: .npy format version {major}.{bytes[7]} is not supported (1.0 to 3.0 are); re-save with numpy.save.");
        }
        var lengthSize = major == 1 ? 2 : 4;
        var headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        var dataStart = 8 + lengthSize + headerLength;
        if (bytes.Length < 8 + lengthSize || dataStart > bytes.Length)
        {
            throw new SpecException($"{path}: corrupt .npy header (it says {headerLength} header bytes but the file is {bytes.Length} bytes long).");
        }
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, 8 + lengthSize, (int)headerLength);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new SpecException($"{path}: corrupt or unsupported .npy header '{header.Trim()}' (need a plain numeric array with 'descr', 'fortran_order' and 'shape'; structured arrays are not supported).");
        }
        var dtype = descr.Groups[1].Value;
        var (itemSize, bigEndian) = dtype switch
        {
            "<f8" or "=f8" => (8, false),
            ">f8" => (8, true),
            "<f4" or "=f4" => (4, false),
            ">f4" => (4, true),
            _ => throw new SpecException($"{path}: dtype '{dtype}' is not supported; .npy sources must be float64 or float32. In Python: numpy.save(path, array.astype(numpy.float64))."),
        };
        if (fortran.Groups[1].Value == "True")
        {
            throw new SpecException($"{path}: the array is stored in Fortran (column-major) order; save it in C order: numpy.save(path, numpy.ascontiguousarray(array)).");
        }
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s.TrimEnd('L'), out var v) && v >= 0 ? v : throw new SpecException($"{path}: corrupt .npy header: shape ({shapeMatch.Groups[1].Value}) is not a tuple of sizes.")).ToArray();
        if (shape.Length is 0 or > 2)
        {
            throw new SpecException($"{path}: the array has {shape.Length} dimensions (shape ({shapeMatch.Groups[1].Value})); .npy sources must be 1-D or 2-D (rows × columns). In Python: array.reshape(len(array), -1).");
        }
        var rows = shape[0];
        var cols = shape.Length == 2 ? shape[1] : 1;
        if (rows == 0 || cols == 0)
        {
            throw new SpecException($"{path}: the array is empty (shape ({shapeMatch.Groups[1].Value})); it needs at least one row and one column.");
        }
        var count = rows * cols;
        if (count > int.MaxValue / 8)
        {
            throw new SpecException($"{path}: {count} values is too many for one .npy source.");
        }
        var needed = count * itemSize;
        var available = bytes.Length - dataStart;
        if (available != needed)
        {
            throw new SpecException(available < needed
                ? $"{path}: truncated: shape ({shapeMatch.Groups[1].Value}) of {dtype} needs {needed} bytes of data but the file holds {available}. Re-save it with numpy.save."
                : $"{path}: corrupt: the file holds {available - needed} bytes more than shape ({shapeMatch.Groups[1].Value}) of {dtype} needs. Re-save it with numpy.save.");
        }
        var values = new double[count];
        var data = bytes.AsSpan((int)dataStart);
        for (var i = 0; i < values.Length; i++)
        {
            var v = itemSize == 8
                ? (bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(data[(i * 8)..]) : BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]))
                : (bigEndian ? BinaryPrimitives.ReadSingleBigEndian(data[(i * 4)..]) : BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]));
            if (!double.IsFinite(v))
            {
                throw new SpecException($"{path}: row {i / cols + 1}, column {i % cols + 1} is {(double.IsNaN(v) ? "NaN" : "infinite")}; remove or fill such rows before saving.");
            }
            values[i] = v;
        }
        return new RowBatch(values, (int)cols);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
