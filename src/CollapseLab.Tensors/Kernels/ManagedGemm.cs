using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Cache-blocked SGEMM in the Goto/BLIS layout. c is cut into one rectangular task per thread; each task packs its
/// (KC x NC) blocks of op(b) into NR-column panels and its (MC x KC) blocks of alpha·op(a) into 6-row panels, and runs
/// a 6 x NR FMA micro-kernel over them (NR = 32 with AVX-512, else 16). Tasks own disjoint tiles of c and the k loop is
/// never split, so every element of c is the same chain of FMAs over k in the same order whatever the thread count
/// or vector width: results are bit-identical for 1 or many threads. The hot methods skip tiered compilation: their
/// unoptimised first tier is several times slower, which short runs and the first training steps would pay.
/// </summary>
public sealed unsafe partial class ManagedGemm : IGemm, IPanelGemm
{
    private const int MR = 6;
    private const int KC = 256;
    private const int MC = 120;
    private const int NC = 1024;
    private const int MaxNR = 32;

    /// <summary>Below this many multiply-adds a product runs on the calling thread.</summary>
    private const long ParallelThreshold = 1L << 18;

    [ThreadStatic]
    private static float[]? packA;

    [ThreadStatic]
    private static float[]? packB;

    public ManagedGemm(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
    }

    public int Threads { get; }

    public string Name => $"managed({Threads} threads)";

    /// <summary>Every element of c is one chain of FMAs over k, whatever m.</summary>
    public bool RowWise => true;

    /// <summary>Columns per packed panel of b: two vectors, so one FMA per vector per row of the micro-tile.</summary>
    private static int NR => Vector512.IsHardwareAccelerated ? MaxNR : 16;

    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArgs.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a, pb = b, pc = c)
        {
            Run(new Job(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, pc, ldc, null), beta, c);
        }
    }

    /// <summary>The same product with b's panels packed by <paramref name="b"/>: the same bits as for the materialised b.</summary>
    void IPanelGemm.Sgemm(bool transA, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, IPanelSource b, float beta, Span<float> c, int ldc)
    {
        GemmArgs.Check(transA, m, n, k, a.Length, lda, c.Length, ldc);
        fixed (float* pa = a, pc = c)
        {
            Run(new Job(transA, false, m, n, k, alpha, pa, lda, null, n, pc, ldc, b), beta, c);
        }
    }

    private void Run(Job job, float beta, Span<float> c)
    {
        var (m, n, k) = (job.M, job.N, job.K);
        if (m == 0 || n == 0)
        {
            return;
        }

        ScaleC(m, n, beta, c, job.Ldc);
        if (k == 0 || job.Alpha == 0f)
        {
            return;
        }

        var threads = (long)m * n * k < ParallelThreshold ? 1 : Threads;
        var (rowGroups, colGroups) = Split(m, n, threads);
        if (rowGroups * colGroups == 1)
        {
            RunTask(job, 0, m, 0, n);
            return;
        }

        Parallel.For(0, rowGroups * colGroups, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var (i0, i1) = Range(m, MR, t / colGroups, rowGroups);
            var (j0, j1) = Range(n, NR, t % colGroups, colGroups);
            RunTask(job, i0, i1, j0, j1);
        });
    }

    /// <summary>
    /// One task per thread, cut along the longer side of c first (so the smaller operand is the one packed by every
    /// task), and along the other side too when the first has fewer micro-tiles than threads.
    /// </summary>
    private static (int Rows, int Cols) Split(int m, int n, int threads)
    {
        var rowUnits = (m + MR - 1) / MR;
        var colUnits = (n + NR - 1) / NR;
        if (m >= n)
        {
            var rows = Math.Min(threads, rowUnits);
            return (rows, Math.Min((threads + rows - 1) / rows, colUnits));
        }

        var cols = Math.Min(threads, colUnits);
        return (Math.Min((threads + cols - 1) / cols, rowUnits), cols);
    }

    /// <summary>Part g of `groups` of [0, size), in whole units of `unit` except at the end.</summary>
    private static (int Start, int End) Range(int size, int unit, int g, int groups)
    {
        var units = (size + unit - 1) / unit;
        return (units * g / groups * unit, Math.Min(size, units * (g + 1) / groups * unit));
    }

    private static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        if (beta == 1f)
        {
            return;
        }

        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    /// <summary>c[i0..i1, j0..j1] += alpha·op(a)·op(b), depth blocks in increasing order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTask(in Job job, int i0, int i1, int j0, int j1)
    {
        var bBuf = packB ??= GC.AllocateUninitializedArray<float>(KC * NC, pinned: true);
        var aBuf = packA ??= GC.AllocateUninitializedArray<float>((MC * KC) + PackSlack, pinned: true);
        fixed (float* bp = bBuf, ap = aBuf)
        {
            for (var jc = j0; jc < j1; jc += NC)
            {
                var nc = Math.Min(NC, j1 - jc);
                for (var pc = 0; pc < job.K; pc += KC)
                {
                    var kc = Math.Min(KC, job.K - pc);
                    if (job.Source is { } source)
                    {
                        source.Pack(pc, kc, jc, nc, bp, NR);
                    }
                    else
                    {
                        PackB(job, pc, kc, jc, nc, bp);
                    }

                    for (var ic = i0; ic < i1; ic += MC)
                    {
                        var mc = Math.Min(MC, i1 - ic);
                        PackA(job, ic, mc, pc, kc, ap);
                        Block(job, ic, mc, jc, nc, kc, ap, bp);
                    }
                }
            }
        }
    }

    /// <summary>Runs the micro-kernel over a packed (mc x kc) block of a and (kc x nc) block of b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(in Job job, int ic, int mc, int jc, int nc, int kc, float* aPacked, float* bPacked)
    {
        var edge = stackalloc float[MR * MaxNR];
        for (var jr = 0; jr < nc; jr += NR)
        {
            var cols = Math.Min(NR, nc - jr);
            var bPanel = bPacked + ((long)jr * kc);
            for (var ir = 0; ir < mc; ir += MR)
            {
                var rows = Math.Min(MR, mc - ir);
                var aPanel = aPacked + ((long)ir * kc);
                var cTile = job.C + ((long)(ic + ir) * job.Ldc) + jc + jr;
                if (rows == MR && cols == NR)
                {
                    Kernel(kc, aPanel, bPanel, cTile, job.Ldc);
                    continue;
                }

                // Edge tile: run the same kernel on a copy, so the arithmetic matches a full tile.
                for (var x = 0; x < rows; x++)
                {
                    new Span<float>(cTile + ((long)x * job.Ldc), cols).CopyTo(new Span<float>(edge + (x * NR), cols));
                }

                Kernel(kc, aPanel, bPanel, edge, NR);
                for (var x = 0; x < rows; x++)
                {
                    new Span<float>(edge + (x * NR), cols).CopyTo(new Span<float>(cTile + ((long)x * job.Ldc), cols));
                }
            }
        }
    }

    private readonly struct Job(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float* c, int ldc, IPanelSource? source)
    {
        public readonly bool TransA = transA;
        public readonly bool TransB = transB;
        public readonly int M = m;
        public readonly int N = n;
        public readonly int K = k;
        public readonly float Alpha = alpha;
        public readonly float* A = a;
        public readonly int Lda = lda;
        public readonly float* B = b;
        public readonly int Ldb = ldb;
        public readonly float* C = c;
        public readonly int Ldc = ldc;

        /// <summary>Packs b's panels in place of <see cref="B"/> when not null.</summary>
        public readonly IPanelSource? Source = source;
    }
}
