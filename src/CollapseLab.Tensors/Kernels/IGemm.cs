namespace CollapseLab.Tensors.Kernels;

/// <summary>Single-precision matrix product on row-major operands.</summary>
public interface IGemm
{
    string Name { get; }

    /// <summary>
    /// True when each row of c gets the same bits however many rows (m) are multiplied together, so a batch of rows
    /// can stand in for one product per row without changing results.
    /// </summary>
    bool RowWise => false;

    /// <summary>
    /// c = alpha·op(a)·op(b) + beta·c, where op(a) is (m,k), op(b) is (k,n), c is (m,n); op transposes when asked.
    /// Row strides are lda, ldb, ldc. With beta = 0, c is overwritten and NaNs in it do not propagate.
    /// Results are identical for every thread count.
    /// </summary>
    void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);
}

/// <summary>Argument checks shared by the GEMM implementations.</summary>
internal static class GemmArgs
{
    public static void Check(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentException($"sgemm: sizes m={m}, n={n}, k={k} must not be negative");
        }

        Operand("a", transA ? k : m, transA ? m : k, aLength, lda, transA ? "(k,m)" : "(m,k)");
        Operand("b", transB ? n : k, transB ? k : n, bLength, ldb, transB ? "(n,k)" : "(k,n)");
        Operand("c", m, n, cLength, ldc, "(m,n)");
    }

    /// <summary>The checks of a product whose b is not in memory (<see cref="IPanelGemm"/>).</summary>
    public static void Check(bool transA, int m, int n, int k, int aLength, int lda, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentException($"sgemm: sizes m={m}, n={n}, k={k} must not be negative");
        }

        Operand("a", transA ? k : m, transA ? m : k, aLength, lda, transA ? "(k,m)" : "(m,k)");
        Operand("c", m, n, cLength, ldc, "(m,n)");
    }

    private static void Operand(string name, int rows, int cols, int length, int ld, string layout)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentException($"sgemm: ld{name}={ld} is smaller than the {cols} columns of {name} {layout}");
        }

        var need = rows == 0 || cols == 0 ? 0L : ((long)(rows - 1) * ld) + cols;
        if (length < need)
        {
            throw new ArgumentException(
                $"sgemm: {name} {layout} = ({rows}x{cols}) with ld{name}={ld} needs {need} floats, but the buffer holds {length}");
        }
    }
}
