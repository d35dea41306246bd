namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// A b operand that is never materialised: it writes its own blocks straight into the GEMM's packed panels (an
/// implicit-GEMM convolution packs a column matrix from the image it would have been copied from). Called from the
/// GEMM's threads at once, so it only reads its inputs.
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>
    /// Writes depth rows [depth0, depth0+depth) and columns [col0, col0+cols) of op(b) as panels of
    /// <paramref name="nr"/> columns: element (p, j) of panel q at dst[q·depth·nr + p·nr + j], the columns past the
    /// last one of the last panel zero — exactly the layout and values <see cref="ManagedGemm"/>'s own packing makes.
    /// </summary>
    void Pack(int depth0, int depth, int col0, int cols, float* dst, int nr);
}

/// <summary>A GEMM that can take its b operand from an <see cref="IPanelSource"/>, with the bits it gives for the materialised b.</summary>
internal interface IPanelGemm
{
    /// <summary>c = alpha·op(a)·b + beta·c, op(a) (m,k), b (k,n) supplied by <paramref name="b"/>.</summary>
    void Sgemm(bool transA, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, IPanelSource b, float beta, Span<float> c, int ldc);
}
