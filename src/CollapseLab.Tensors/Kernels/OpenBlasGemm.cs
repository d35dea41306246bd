using System.Runtime.InteropServices;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// SGEMM through OpenBLAS's <c>cblas_sgemm</c> (Debian: libopenblas0-pthread, <c>libopenblas.so.0</c>), loaded at run
/// time so that a machine without it still runs with <see cref="ManagedGemm"/>.
/// <para>
/// <see cref="OpenBlasThreading.Tiles"/> (the default) pins OpenBLAS to one thread and splits c into pieces whose
/// boundaries depend only on the shape, one single-threaded call per piece on .NET's thread pool: results are the same
/// for any thread count, and no OpenBLAS worker threads spin while other kernels run. <see cref="OpenBlasThreading.Native"/>
/// lets OpenBLAS thread one call itself; that is not bit-identical across thread counts (0.3.21 measured).
/// OpenBLAS keeps one process-wide thread count, set before each call when it differs.
/// </para>
/// </summary>
public sealed unsafe class OpenBlasGemm : IGemm
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly Lazy<Native?> Library = new(Load);

    /// <summary>Below this many multiply-adds a product is one call on the calling thread.</summary>
    private const long ParallelThreshold = 1L << 20;

    private OpenBlasGemm(int threads, OpenBlasThreading threading, Native native)
    {
        Threads = threads;
        Threading = threading;
        this.native = native;
    }

    private readonly Native native;

    public int Threads { get; }

    public OpenBlasThreading Threading { get; }

    public string Name => $"openblas({Threads} threads, {Threading.ToString().ToLowerInvariant()})";

    /// <summary>True when libopenblas could be loaded.</summary>
    public static bool IsAvailable => Library.Value is not null;

    /// <summary>The library file that was loaded, or null.</summary>
    public static string? LibraryPath => Library.Value?.Path;

    /// <summary>An OpenBLAS GEMM with a pinned thread count, or null when the library is absent.</summary>
    public static OpenBlasGemm? TryCreate(int threads, OpenBlasThreading threading = OpenBlasThreading.Tiles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return Library.Value is { } native ? new OpenBlasGemm(threads, threading, native) : null;
    }

    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArgs.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            if (Threading == OpenBlasThreading.Native)
            {
                native.EnsureThreads(Threads);
                Call(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                return;
            }

            native.EnsureThreads(1);
            var (pieces, alongRows) = Split(m, n, k);
            if (pieces == 1 || Threads == 1)
            {
                for (var p = 0; p < pieces; p++)
                {
                    Piece(p, pieces, alongRows, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                }

                return;
            }

            var (ra, rb, rc) = ((nint)pa, (nint)pb, (nint)pc);
            Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = Threads }, p =>
                Piece(p, pieces, alongRows, transA, transB, m, n, k, alpha, (float*)ra, lda, (float*)rb, ldb, beta, (float*)rc, ldc));
        }
    }

    /// <summary>How c is cut: up to 8 pieces of at least 64 rows (or columns), a function of the shape alone.</summary>
    private static (int Pieces, bool AlongRows) Split(int m, int n, int k)
    {
        if ((long)m * n * k < ParallelThreshold)
        {
            return (1, true);
        }

        if (m >= 128)
        {
            return (Math.Min(8, m / 64), true);
        }

        return n >= 128 ? (Math.Min(8, n / 64), false) : (1, true);
    }

    private void Piece(int p, int pieces, bool alongRows, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (alongRows)
        {
            // rows [r0, r1) of op(a) and c
            var r0 = (int)((long)m * p / pieces);
            var r1 = (int)((long)m * (p + 1) / pieces);
            var aStart = transA ? a + r0 : a + ((long)r0 * lda);
            Call(transA, transB, r1 - r0, n, k, alpha, aStart, lda, b, ldb, beta, c + ((long)r0 * ldc), ldc);
        }
        else
        {
            // columns [c0, c1) of op(b) and c
            var c0 = (int)((long)n * p / pieces);
            var c1 = (int)((long)n * (p + 1) / pieces);
            var bStart = transB ? b + ((long)c0 * ldb) : b + c0;
            Call(transA, transB, m, c1 - c0, k, alpha, a, lda, bStart, ldb, beta, c + c0, ldc);
        }
    }

    private void Call(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc) =>
        native.Sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha,
            a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, Math.Max(1, ldc));

    private static Native? Load()
    {
        string[] candidates =
        [
            "libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
            "libopenblas.so",
            "libopenblas.dylib",
            "libopenblas.dll",
        ];
        foreach (var path in candidates)
        {
            if (NativeLibrary.TryLoad(path, out var handle)
                && NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm)
                && NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var setThreads))
            {
                return new Native(path, sgemm, setThreads);
            }
        }

        return null;
    }

    private sealed class Native(string path, IntPtr sgemm, IntPtr setThreads)
    {
        private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm =
            (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;

        private readonly delegate* unmanaged<int, void> setThreads = (delegate* unmanaged<int, void>)setThreads;

        public string Path { get; } = path;

        private int currentThreads;

        /// <summary>Sets OpenBLAS's process-wide thread count when it differs from the last one set.</summary>
        public void EnsureThreads(int n)
        {
            if (Volatile.Read(ref currentThreads) != n)
            {
                setThreads(n);
                Volatile.Write(ref currentThreads, n);
            }
        }

        public void Sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, float* a, int lda,
            float* b, int ldb, float beta, float* c, int ldc) =>
            sgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}

/// <summary>Who runs the threads of an OpenBLAS product.</summary>
public enum OpenBlasThreading
{
    /// <summary>Fixed pieces of c, one single-threaded OpenBLAS call each, on .NET threads; deterministic.</summary>
    Tiles,

    /// <summary>One call, threaded by OpenBLAS; fastest for one large product, not bit-identical across thread counts.</summary>
    Native,
}
