using System.Runtime.InteropServices;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// SGEMM through OpenBLAS's <c>cblas_sgemm</c> (Debian: libopenblas0-pthread, <c>libopenblas.so.0</c>), loaded at run
/// time so that a machine without it still runs with <see cref="ManagedGemm"/>. OpenBLAS keeps one process-wide
/// thread count; it is set on every call, so two instances with different counts do not fight.
/// </summary>
public sealed unsafe class OpenBlasGemm : IGemm
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly Lazy<Native?> Library = new(Load);

    private OpenBlasGemm(int threads, Native native)
    {
        Threads = threads;
        this.native = native;
    }

    private readonly Native native;

    public int Threads { get; }

    public string Name => $"openblas({Threads} threads)";

    /// <summary>True when libopenblas could be loaded.</summary>
    public static bool IsAvailable => Library.Value is not null;

    /// <summary>The library file that was loaded, or null.</summary>
    public static string? LibraryPath => Library.Value?.Path;

    /// <summary>An OpenBLAS GEMM with a pinned thread count, or null when the library is absent.</summary>
    public static OpenBlasGemm? TryCreate(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return Library.Value is { } native ? new OpenBlasGemm(threads, native) : null;
    }

    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArgs.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (native.CurrentThreads != Threads)
        {
            native.SetThreads(Threads);
            native.CurrentThreads = Threads;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            native.Sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha,
                pa, Math.Max(1, lda), pb, Math.Max(1, ldb), beta, pc, Math.Max(1, ldc));
        }
    }

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

        public int CurrentThreads { get; set; }

        public void SetThreads(int n) => setThreads(n);

        public void Sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, float* a, int lda,
            float* b, int ldb, float beta, float* c, int ldc) =>
            sgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
