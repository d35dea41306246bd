using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Cache-blocked SGEMM in the Goto/BLIS layout: a (KC x NC) block of b is packed once into 16-column panels shared by
/// all threads; each task packs a (MC x KC) block of a into 6-row panels and runs a 6x16 FMA micro-kernel over them.
/// Threads own disjoint tiles of c and the k loop is never split, so every element of c is summed in the same order
/// whatever the thread count: results are bit-identical for 1 or many threads.
/// </summary>
public sealed unsafe class ManagedGemm : IGemm
{
    private const int MR = 6;
    private const int NR = 16;
    private const int KC = 256;
    private const int MC = 96;
    private const int NC = 3072;

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

    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArgs.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        ScaleC(m, n, beta, c, ldc);
        if (k == 0 || alpha == 0f)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new Job(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, pc, ldc);
            var threads = (long)m * n * k < ParallelThreshold ? 1 : Threads;
            Run(job, threads);
        }
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

    private static void Run(Job job, int threads)
    {
        var bBuf = packB ??= GC.AllocateUninitializedArray<float>(KC * NC, pinned: true);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        for (var jc = 0; jc < job.N; jc += NC)
        {
            var nc = Math.Min(NC, job.N - jc);
            var panels = (nc + NR - 1) / NR;
            for (var pc = 0; pc < job.K; pc += KC)
            {
                var kc = Math.Min(KC, job.K - pc);
                fixed (float* bp = bBuf)
                {
                    var bPacked = bp;
                    if (threads == 1)
                    {
                        PackB(job, pc, kc, jc, nc, 0, panels, bPacked);
                    }
                    else
                    {
                        var chunk = (panels + threads - 1) / threads;
                        Parallel.For(0, threads, options, t =>
                            PackB(job, pc, kc, jc, nc, t * chunk, Math.Min(panels, (t + 1) * chunk), bPacked));
                    }

                    // Tasks are row blocks; when there are fewer rows than threads, columns are split too.
                    var mc = Math.Min(MC, RoundUp((job.M + threads - 1) / threads, MR));
                    var rowBlocks = (job.M + mc - 1) / mc;
                    var colGroups = rowBlocks >= threads ? 1 : Math.Min(panels, threads);
                    var tasks = rowBlocks * colGroups;
                    if (tasks == 1 || threads == 1)
                    {
                        for (var t = 0; t < tasks; t++)
                        {
                            RunTask(job, t, colGroups, mc, pc, kc, jc, nc, panels, bPacked);
                        }
                    }
                    else
                    {
                        Parallel.For(0, tasks, options, t => RunTask(job, t, colGroups, mc, pc, kc, jc, nc, panels, bPacked));
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    private static void RunTask(Job job, int task, int colGroups, int mc, int pc, int kc, int jc, int nc, int panels, float* bPacked)
    {
        var ic = task / colGroups * mc;
        var rows = Math.Min(mc, job.M - ic);
        var group = task % colGroups;
        var p0 = panels * group / colGroups;
        var p1 = panels * (group + 1) / colGroups;
        var aBuf = packA ??= GC.AllocateUninitializedArray<float>(MC * KC, pinned: true);
        fixed (float* ap = aBuf)
        {
            PackA(job, ic, rows, pc, kc, ap);
            var edge = stackalloc float[MR * NR];
            for (var jp = p0; jp < p1; jp++)
            {
                var j = jc + (jp * NR);
                var cols = Math.Min(NR, jc + nc - j);
                var bPanel = bPacked + ((long)jp * kc * NR);
                for (var ip = 0; ip * MR < rows; ip++)
                {
                    var i = ic + (ip * MR);
                    var r = Math.Min(MR, job.M - i);
                    var aPanel = ap + (ip * kc * MR);
                    var cTile = job.C + ((long)i * job.Ldc) + j;
                    if (r == MR && cols == NR)
                    {
                        Kernel(kc, aPanel, bPanel, cTile, job.Ldc);
                    }
                    else
                    {
                        // Edge tile: run the same kernel on a copy, so the arithmetic matches a full tile.
                        for (var x = 0; x < r; x++)
                        {
                            new Span<float>(cTile + ((long)x * job.Ldc), cols).CopyTo(new Span<float>(edge + (x * NR), cols));
                        }

                        Kernel(kc, aPanel, bPanel, edge, NR);
                        for (var x = 0; x < r; x++)
                        {
                            new Span<float>(edge + (x * NR), cols).CopyTo(new Span<float>(cTile + ((long)x * job.Ldc), cols));
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs rows [ic, ic+rows) and depth [pc, pc+kc) of alpha·op(a) as 6-row panels, zero-padded.</summary>
    private static void PackA(Job job, int ic, int rows, int pc, int kc, float* dst)
    {
        for (var i0 = 0; i0 < rows; i0 += MR)
        {
            var r = Math.Min(MR, rows - i0);
            for (var p = 0; p < kc; p++)
            {
                var d = dst + (p * MR);
                for (var x = 0; x < r; x++)
                {
                    var row = ic + i0 + x;
                    var col = pc + p;
                    var v = job.TransA ? job.A[((long)col * job.Lda) + row] : job.A[((long)row * job.Lda) + col];
                    d[x] = job.Alpha * v;
                }

                for (var x = r; x < MR; x++)
                {
                    d[x] = 0f;
                }
            }

            dst += kc * MR;
        }
    }

    /// <summary>Packs panels [p0, p1) of 16 columns of op(b), depth [pc, pc+kc), zero-padded.</summary>
    private static void PackB(Job job, int pc, int kc, int jc, int nc, int p0, int p1, float* dst)
    {
        for (var jp = p0; jp < p1; jp++)
        {
            var j = jc + (jp * NR);
            var cols = Math.Min(NR, jc + nc - j);
            var panel = dst + ((long)jp * kc * NR);
            for (var p = 0; p < kc; p++)
            {
                var d = panel + (p * NR);
                if (!job.TransB && cols == NR)
                {
                    var s = job.B + ((long)(pc + p) * job.Ldb) + j;
                    Vector256.Store(Vector256.Load(s), d);
                    Vector256.Store(Vector256.Load(s + 8), d + 8);
                    continue;
                }

                for (var x = 0; x < cols; x++)
                {
                    d[x] = job.TransB ? job.B[((long)(j + x) * job.Ldb) + pc + p] : job.B[((long)(pc + p) * job.Ldb) + j + x];
                }

                for (var x = cols; x < NR; x++)
                {
                    d[x] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// c[0..6, 0..16] += a·b over kc steps; a is a 6-row panel, b a 16-column panel. Twelve accumulators plus two b
    /// vectors and one broadcast fill 15 of the 16 AVX2 registers, which is why the tile is 6x16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel(int kc, float* a, float* b, float* c, int ldc)
    {
        var c0 = c;
        var c1 = c0 + ldc;
        var c2 = c1 + ldc;
        var c3 = c2 + ldc;
        var c4 = c3 + ldc;
        var c5 = c4 + ldc;
        Vector256<float> x00 = Vector256.Load(c0), x01 = Vector256.Load(c0 + 8);
        Vector256<float> x10 = Vector256.Load(c1), x11 = Vector256.Load(c1 + 8);
        Vector256<float> x20 = Vector256.Load(c2), x21 = Vector256.Load(c2 + 8);
        Vector256<float> x30 = Vector256.Load(c3), x31 = Vector256.Load(c3 + 8);
        Vector256<float> x40 = Vector256.Load(c4), x41 = Vector256.Load(c4 + 8);
        Vector256<float> x50 = Vector256.Load(c5), x51 = Vector256.Load(c5 + 8);
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            x00 = Vector256.FusedMultiplyAdd(av, b0, x00);
            x01 = Vector256.FusedMultiplyAdd(av, b1, x01);
            av = Vector256.Create(a[1]);
            x10 = Vector256.FusedMultiplyAdd(av, b0, x10);
            x11 = Vector256.FusedMultiplyAdd(av, b1, x11);
            av = Vector256.Create(a[2]);
            x20 = Vector256.FusedMultiplyAdd(av, b0, x20);
            x21 = Vector256.FusedMultiplyAdd(av, b1, x21);
            av = Vector256.Create(a[3]);
            x30 = Vector256.FusedMultiplyAdd(av, b0, x30);
            x31 = Vector256.FusedMultiplyAdd(av, b1, x31);
            av = Vector256.Create(a[4]);
            x40 = Vector256.FusedMultiplyAdd(av, b0, x40);
            x41 = Vector256.FusedMultiplyAdd(av, b1, x41);
            av = Vector256.Create(a[5]);
            x50 = Vector256.FusedMultiplyAdd(av, b0, x50);
            x51 = Vector256.FusedMultiplyAdd(av, b1, x51);
            a += MR;
            b += NR;
        }

        Vector256.Store(x00, c0);
        Vector256.Store(x01, c0 + 8);
        Vector256.Store(x10, c1);
        Vector256.Store(x11, c1 + 8);
        Vector256.Store(x20, c2);
        Vector256.Store(x21, c2 + 8);
        Vector256.Store(x30, c3);
        Vector256.Store(x31, c3 + 8);
        Vector256.Store(x40, c4);
        Vector256.Store(x41, c4 + 8);
        Vector256.Store(x50, c5);
        Vector256.Store(x51, c5 + 8);
    }

    private readonly struct Job(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float* c, int ldc)
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
    }
}
