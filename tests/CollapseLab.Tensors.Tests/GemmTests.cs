using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Tests.Support;
using Xunit.Abstractions;

namespace CollapseLab.Tensors.Tests;

/// <summary>Both GEMMs against a float64 scalar reference at awkward sizes, with transposes, alpha and beta.</summary>
public class GemmTests(ITestOutputHelper output)
{
    public static TheoryData<int, int, int, bool, bool> Shapes() => new()
    {
        { 1, 1, 1, false, false },
        { 7, 7, 7, false, false },
        { 33, 33, 33, true, false },
        { 7, 33, 1, false, true },
        { 1, 33, 7, true, true },
        { 33, 7, 300, false, true },
        { 97, 65, 257, true, false },
        { 13, 130, 31, true, true },
        { 37, 401, 300, true, true },
        { 0, 5, 3, false, false },
        { 4, 5, 0, false, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed_matches_reference(int m, int n, int k, bool ta, bool tb)
    {
        foreach (var threads in new[] { 1, 2, 3 })
        {
            Check(new ManagedGemm(threads), m, n, k, ta, tb);
        }
    }

    [Fact]
    public void Managed_matches_reference_at_1025() => Check(new ManagedGemm(2), 1025, 1025, 1025, false, true);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OpenBlas_matches_reference(int m, int n, int k, bool ta, bool tb)
    {
        Check(OpenBlas.Create(2), m, n, k, ta, tb);
        Check(OpenBlas.Create(2, OpenBlasThreading.Native), m, n, k, ta, tb);
    }

    [Fact]
    public void OpenBlas_matches_reference_at_1025() => Check(OpenBlas.Create(2), 1025, 1025, 1025, true, false);

    [Fact]
    public void Managed_is_bit_identical_for_any_thread_count()
    {
        // Tall (cut by rows), wide (cut by columns) and small-but-deep (cut both ways at 7 threads).
        foreach (var (m, n, k, ta, tb) in new[] { (301, 203, 517, false, false), (37, 401, 300, true, true), (33, 33, 1000, false, true) })
        {
            var a = Rand.Floats(1, m * k);
            var b = Rand.Floats(2, k * n);
            float[]? first = null;
            foreach (var threads in new[] { 1, 2, 3, 4, 7 })
            {
                var c = new float[m * n];
                new ManagedGemm(threads).Sgemm(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
                first ??= c;
                Assert.Equal(first, c);
            }
        }
    }

    [Fact]
    public void OpenBlas_tiles_are_bit_identical_for_any_thread_count()
    {
        const int m = 700, n = 300, k = 517;
        var a = Rand.Floats(1, m * k);
        var b = Rand.Floats(2, k * n);
        float[]? first = null;
        foreach (var threads in new[] { 1, 2, 3 })
        {
            var c = new float[m * n];
            OpenBlas.Create(threads, OpenBlasThreading.Tiles).Sgemm(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n);
            first ??= c;
            Assert.Equal(first, c);
        }
    }

    [Fact]
    public void OpenBlas_with_a_pinned_thread_count_is_repeatable()
    {
        const int m = 301, n = 203, k = 517;
        var a = Rand.Floats(1, m * k);
        var b = Rand.Floats(2, k * n);
        var gemm = OpenBlas.Create(2, OpenBlasThreading.Native);
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c1, n);
        gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c2, n);
        Assert.Equal(c1, c2);
        var c3 = new float[m * n];
        OpenBlas.Create(1, OpenBlasThreading.Native).Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c3, n);
        output.WriteLine($"native threading, 1 vs 2 OpenBLAS threads bit-identical: {c1.AsSpan().SequenceEqual(c3)}");
    }

    [Fact]
    public void Too_small_buffers_throw_and_name_the_sizes()
    {
        var gemm = new ManagedGemm(1);
        var e = Assert.Throws<ArgumentException>(() =>
            gemm.Sgemm(false, false, 4, 5, 6, 1f, new float[23], 6, new float[30], 5, 0f, new float[20], 5));
        Assert.Contains("a", e.Message, StringComparison.Ordinal);
        Assert.Contains("needs 24", e.Message, StringComparison.Ordinal);
        Assert.Contains("holds 23", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() =>
            gemm.Sgemm(false, true, 4, 5, 6, 1f, new float[24], 6, new float[29], 6, 0f, new float[20], 5));
        Assert.Contains("needs 30", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() =>
            gemm.Sgemm(false, false, 4, 5, 6, 1f, new float[24], 6, new float[30], 5, 0f, new float[19], 5));
        Assert.Contains("c (m,n)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() =>
            gemm.Sgemm(false, false, 4, 5, 6, 1f, new float[24], 5, new float[30], 5, 0f, new float[20], 5));
    }

    [Fact]
    public void OpenBlas_too_small_buffers_throw()
    {
        var gemm = OpenBlas.Create(1);
        Assert.Throws<ArgumentException>(() => gemm.Sgemm(true, false, 4, 5, 6, 1f, new float[23], 4, new float[30], 5, 0f, new float[20], 5));
    }

    [Fact]
    public void Environment_value_is_parsed_with_a_clear_error()
    {
        Assert.Equal(GemmKind.Managed, Gemm.ParseKind("Managed"));
        Assert.Equal(GemmKind.Auto, Gemm.ParseKind(null));
        var e = Assert.Throws<ArgumentException>(() => Gemm.ParseKind("mkl"));
        Assert.Contains("auto, managed, openblas", e.Message, StringComparison.Ordinal);
    }

    private void Check(IGemm gemm, int m, int n, int k, bool ta, bool tb)
    {
        // Operands sit in wider buffers (ld = cols + 3) to exercise the strides.
        var (ar, ac) = ta ? (k, m) : (m, k);
        var (br, bc) = tb ? (n, k) : (k, n);
        int lda = ac + 3, ldb = bc + 3, ldc = n + 3;
        var a = Rand.Floats(11, Math.Max(1, ar * lda));
        var b = Rand.Floats(12, Math.Max(1, br * ldb));
        var c = Rand.Floats(13, Math.Max(1, m * ldc));
        // At the large size only every 16th row and the last are checked, which keeps the reference fast.
        var rowStep = m > 500 ? 16 : 1;
        bool Checked(int i) => i % rowStep == 0 || i == m - 1;
        var expected = new double[m * n];
        const float alpha = 0.75f, beta = -0.5f;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n && Checked(i); j++)
            {
                var s = 0.0;
                for (var p = 0; p < k; p++)
                {
                    double av = ta ? a[(p * lda) + i] : a[(i * lda) + p];
                    double bv = tb ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    s += av * bv;
                }

                expected[(i * n) + j] = (alpha * s) + (beta * c[(i * ldc) + j]);
            }
        }

        var padding = c.Length > 0 ? c[^1] : 0f;
        gemm.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        var worst = 0.0;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n && Checked(i); j++)
            {
                var diff = Math.Abs(c[(i * ldc) + j] - expected[(i * n) + j]);
                worst = Math.Max(worst, diff);
                Assert.True(diff <= 1e-5 * (k + 1) * 4, $"{gemm.Name} ({m},{n},{k}) ta={ta} tb={tb}: c[{i},{j}] = {c[(i * ldc) + j]}, expected {expected[(i * n) + j]}");
            }
        }

        if (m > 0 && n > 0)
        {
            Assert.Equal(padding, c[^1]);
        }

        output.WriteLine($"{gemm.Name} m={m} n={n} k={k} ta={ta} tb={tb}: max |diff| {worst:E2}");
    }
}
