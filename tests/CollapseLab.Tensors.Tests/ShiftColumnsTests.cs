using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Tests.Support;

namespace CollapseLab.Tensors.Tests;

/// <summary>
/// The implicit-GEMM convolution operand (ShiftColumns) against the materialised column matrix it replaces: the
/// products it feeds must have the same bits, as op(b) and transposed, at awkward image sizes and depths that
/// cross the GEMM's blocks (K &gt; 256, P &gt; 1024).
/// </summary>
public unsafe class ShiftColumnsTests
{
    public static TheoryData<int, int, int, int, int> Geometries() => new()
    {
        // C, H, W, kernel side, padding ("same": padding = (side − 1) / 2)
        { 1, 1, 1, 3, 1 },
        { 2, 5, 7, 3, 1 },
        { 3, 7, 2, 5, 2 },
        { 4, 6, 5, 1, 0 },
        { 33, 9, 11, 3, 1 },
        { 2, 33, 35, 3, 1 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Products_on_the_implicit_columns_equal_those_on_im2col_bit_for_bit(int c, int h, int w, int side, int padding)
    {
        var g = new ConvGeometry(1, c, h, w, side, side, 1, padding);
        var (k, p, m) = (g.Rows, g.Plane, 7);
        var x = Rand.Floats(1, g.InputImage);
        var col = new float[k * p];
        ConvKernels.Im2Col(g, x, col);
        var gemm = new ManagedGemm(1);
        IPanelGemm panels = gemm;

        // forward / input gradient: y (m, P) = a (m, K) · col, accumulated onto a nonzero c
        var a = Rand.Floats(2, m * k);
        var expected = Rand.Floats(3, m * p);
        var actual = expected.ToArray();
        gemm.Sgemm(false, false, m, p, k, 1f, a, k, col, p, 1f, expected, p);
        // weight gradient: dw (m, K) = dy (m, P) · colᵀ
        var dy = Rand.Floats(4, m * p);
        var expectedDw = new float[m * k];
        var actualDw = new float[m * k];
        gemm.Sgemm(false, true, m, k, p, 1f, dy, p, col, p, 0f, expectedDw, k);
        fixed (float* image = x)
        {
            panels.Sgemm(false, m, p, k, 1f, a, k, new ShiftColumns(g, image, transposed: false), 1f, actual, p);
            panels.Sgemm(false, m, k, p, 1f, dy, p, new ShiftColumns(g, image, transposed: true), 0f, actualDw, k);
        }

        Assert.Equal(expected, actual);
        Assert.Equal(expectedDw, actualDw);
    }

    [Fact]
    public void A_conv_layer_with_the_managed_gemm_equals_one_on_openblas_within_rounding()
    {
        // The managed GEMM takes the implicit path, OpenBLAS (required, as in GemmTests) the materialised one.
        float[] Run(GemmKind kind)
        {
            using var compute = new Compute(kind, 2).Enter();
            var x = Rand.Normal(5, 3, 6, 9, 10).WithGrad();
            var weight = Rand.Normal(6, 5, 6, 3, 3).WithGrad();
            var bias = Rand.Normal(7, 5).WithGrad();
            using var tape = new Autodiff.Tape();
            var y = Ops.Conv2d(x, weight, bias, padding: 1);
            tape.Backward(Ops.Sum(Ops.Mul(y, y)));
            return [.. y.Data, .. x.Grad, .. weight.Grad, .. bias.Grad];
        }

        var (managed, openBlas) = (Run(GemmKind.Managed), Run(GemmKind.OpenBlas));
        for (var i = 0; i < managed.Length; i++)
        {
            Assert.True(Math.Abs(managed[i] - openBlas[i]) <= 1e-4f * (1f + Math.Abs(openBlas[i])), $"entry {i}: {managed[i]} vs {openBlas[i]}");
        }
    }
}
