using System.Numerics.Tensors;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// The geometry of a 2-D convolution. One image's column matrix is (C·KH·KW, OH·OW): row (c,kh,kw), column
/// (oh,ow).
/// </summary>
internal readonly record struct ConvGeometry(int B, int C, int H, int W, int KH, int KW, int Stride, int Padding)
{
    public int OH => ((H + (2 * Padding) - KH) / Stride) + 1;

    public int OW => ((W + (2 * Padding) - KW) / Stride) + 1;

    /// <summary>Rows of one image's column matrix: C·KH·KW.</summary>
    public int Rows => C * KH * KW;

    /// <summary>Output positions per image, the columns of its column matrix: OH·OW.</summary>
    public int Plane => OH * OW;

    /// <summary>Floats in one image of the input, C·H·W.</summary>
    public int InputImage => C * H * W;
}

/// <summary>
/// Convolution as one GEMM per image on a column matrix that fits in cache: y_b (OC, P) = W (OC, K) · col_b (K, P),
/// written straight into the (B, OC, P) output. Images run in parallel, each on one thread with a single-threaded
/// GEMM, so each output is computed the same way for any thread count. The backward pass rebuilds each image's
/// columns from the input rather than keeping B·K·P floats. The weight gradient is summed over images inside fixed
/// pieces of the batch (their boundaries depend on B only) and then over pieces in order, so it too is the same
/// bits for any thread count. With a GEMM that packs its own operand (<see cref="IPanelGemm"/>, the managed one),
/// stride-1 "same" convolutions skip the column matrices: the panels are packed from the image or from dy
/// (<see cref="ShiftColumns"/>), with the same bits.
/// </summary>
internal static unsafe class ConvKernels
{
    /// <summary>Batch pieces of the weight gradient: enough to share among threads, few enough to sum cheaply.</summary>
    private const int GradientPieces = 8;

    [ThreadStatic]
    private static float[]? colBuffer;

    [ThreadStatic]
    private static float[]? dcolBuffer;

    /// <summary>y (B,OC,OH,OW) = conv(x, weight) + bias.</summary>
    public static void Forward(ConvGeometry g, float[] x, int xOffset, float[] weight, int wOffset, ReadOnlySpan<float> bias, int oc, float[] y, int yOffset)
    {
        var gemm = Compute.Current.Serial.Gemm;
        var implicitGemm = IsShift(g) ? gemm as IPanelGemm : null;
        var bs = bias.IsEmpty ? null : bias.ToArray();
        Parallelism.For(g.B, (long)oc * g.Rows * g.Plane, b =>
        {
            var xb = x.AsSpan(xOffset + (b * g.InputImage), g.InputImage);
            var yb = y.AsSpan(yOffset + (b * oc * g.Plane), oc * g.Plane);
            var w = weight.AsSpan(wOffset, oc * g.Rows);
            if (implicitGemm is not null)
            {
                fixed (float* image = xb)
                {
                    implicitGemm.Sgemm(false, oc, g.Plane, g.Rows, 1f, w, g.Rows, new ShiftColumns(g, image, transposed: false), 0f, yb, g.Plane);
                }
            }
            else
            {
                var col = Buffer(ref colBuffer, g.Rows * g.Plane);
                Im2Col(g, xb, col);
                gemm.Sgemm(false, false, oc, g.Plane, g.Rows, 1f, w, g.Rows, col, g.Plane, 0f, yb, g.Plane);
            }

            if (bs is not null)
            {
                for (var o = 0; o < oc; o++)
                {
                    var row = yb.Slice(o * g.Plane, g.Plane);
                    TensorPrimitives.Add(row, bs[o], row);
                }
            }
        });
    }

    /// <summary>
    /// Accumulates the gradients of a convolution from dy (B,OC,OH,OW): dweight (OC,K) += Σ_b dy_b·col_bᵀ,
    /// dx_b += col2im(Wᵀ·dy_b) when dx is given, dbias[o] += Σ dy[·,o,·] when given.
    /// </summary>
    public static void Backward(ConvGeometry g, float[] x, int xOffset, float[] weight, int wOffset, int oc, float[] dy, int dyOffset,
        float[]? dweight, int dwOffset, float[]? dx, int dxOffset, Span<float> dbias)
    {
        var gemm = Compute.Current.Serial.Gemm;
        var k = g.Rows;
        var p = g.Plane;
        var pieceSize = (g.B + GradientPieces - 1) / GradientPieces;
        var pieces = Parallelism.Pieces(g.B, pieceSize);
        var partial = dweight is null ? null : Autodiff.Tape.Rent(pieces * oc * k, clear: true);
        // With stride 1 and "same" padding, dx is the convolution of dy with the flipped, transposed kernel: an
        // im2col of dy and a GEMM instead of a GEMM and a scattering col2im.
        var transposed = dx is not null && IsShift(g) ? new ConvGeometry(g.B, oc, g.H, g.W, g.KH, g.KW, 1, g.Padding) : (ConvGeometry?)null;
        var flipped = transposed is null ? null : Flip(weight, wOffset, oc, g);
        // A GEMM that packs from the image itself needs no column matrices for stride-1 "same" convolutions.
        var implicitGemm = IsShift(g) ? gemm as IPanelGemm : null;
        Parallelism.For(pieces, (long)pieceSize * oc * k * p * (dx is null ? 1 : 2), piece =>
        {
            var col = partial is null || implicitGemm is not null ? null : Buffer(ref colBuffer, k * p);
            var dcol = dx is null || implicitGemm is not null ? null : Buffer(ref dcolBuffer, Math.Max(k, oc * g.KH * g.KW) * p);
            for (var b = piece * pieceSize; b < Math.Min(g.B, (piece + 1) * pieceSize); b++)
            {
                var dyb = dy.AsSpan(dyOffset + (b * oc * p), oc * p);
                var xb = x.AsSpan(xOffset + (b * g.InputImage), g.InputImage);
                if (partial is not null)
                {
                    var dwPart = partial.AsSpan(piece * oc * k, oc * k);
                    if (implicitGemm is not null)
                    {
                        fixed (float* image = xb)
                        {
                            implicitGemm.Sgemm(false, oc, k, p, 1f, dyb, p, new ShiftColumns(g, image, transposed: true), 1f, dwPart, k);
                        }
                    }
                    else
                    {
                        Im2Col(g, xb, col);
                        gemm.Sgemm(false, true, oc, k, p, 1f, dyb, p, col, p, 1f, dwPart, k);
                    }
                }

                if (dx is null)
                {
                    continue;
                }

                var dxb = dx.AsSpan(dxOffset + (b * g.InputImage), g.InputImage);
                if (transposed is { } t && implicitGemm is not null)
                {
                    fixed (float* grad = dyb)
                    {
                        implicitGemm.Sgemm(false, g.C, p, t.Rows, 1f, flipped, t.Rows, new ShiftColumns(t, grad, transposed: false), 1f, dxb, p);
                    }
                }
                else if (transposed is { } shift)
                {
                    Im2Col(shift, dyb, dcol);
                    gemm.Sgemm(false, false, g.C, p, shift.Rows, 1f, flipped, shift.Rows, dcol, p, 1f, dxb, p);
                }
                else
                {
                    gemm.Sgemm(true, false, k, p, oc, 1f, weight.AsSpan(wOffset, oc * k), k, dyb, p, 0f, dcol, p);
                    Col2ImAdd(g, dcol, dxb);
                }
            }
        });
        if (partial is not null)
        {
            for (var piece = 0; piece < pieces; piece++)
            {
                var dw = dweight.AsSpan(dwOffset, oc * k);
                TensorPrimitives.Add(dw, partial.AsSpan(piece * oc * k, oc * k), dw);
            }
        }

        if (!dbias.IsEmpty)
        {
            for (var o = 0; o < oc; o++)
            {
                var sum = 0f;
                for (var b = 0; b < g.B; b++)
                {
                    sum += Simd.Sum(dy.AsSpan(dyOffset + (((b * oc) + o) * p), p));
                }

                dbias[o] += sum;
            }
        }
    }

    // wt[c, (o, kh, kw)] = w[o, c, KH−1−kh, KW−1−kw]
    private static float[] Flip(float[] w, int wOffset, int oc, ConvGeometry g)
    {
        var (kh, kw) = (g.KH, g.KW);
        var rows = oc * kh * kw;
        var wt = Autodiff.Tape.Rent(g.C * rows, clear: false);
        for (var o = 0; o < oc; o++)
        {
            for (var c = 0; c < g.C; c++)
            {
                for (var i = 0; i < kh; i++)
                {
                    for (var j = 0; j < kw; j++)
                    {
                        wt[(c * rows) + (((o * kh) + kh - 1 - i) * kw) + kw - 1 - j] = w[wOffset + (((((o * g.C) + c) * kh) + i) * kw) + j];
                    }
                }
            }
        }

        return wt;
    }

    /// <summary>col[(c,kh,kw), (oh,ow)] = x[c, oh·s − p + kh, ow·s − p + kw] of one image, 0 outside it.</summary>
    public static void Im2Col(ConvGeometry g, ReadOnlySpan<float> x, Span<float> col)
    {
        var (oh, ow) = (g.OH, g.OW);
        for (var row = 0; row < g.Rows; row++)
        {
            var c = row / (g.KH * g.KW);
            var kh = row / g.KW % g.KH;
            var kw = row % g.KW;
            var src = x.Slice(c * g.H * g.W, g.H * g.W);
            if (IsShift(g))
            {
                // The row is the input plane shifted by d, with the columns that fall outside it set to 0.
                var dst = col.Slice(row * g.Plane, g.Plane);
                var (start, end, d) = ShiftRange(g, kh, kw);
                if (start >= end)
                {
                    dst.Clear();
                    continue;
                }

                dst[..start].Clear();
                dst[end..].Clear();
                src.Slice(start + d, end - start).CopyTo(dst[start..end]);
                ClearOutside(g, kh, kw, dst);
                continue;
            }

            var (j0, j1) = ValidColumns(g, kw);
            for (var i = 0; i < oh; i++)
            {
                var line = col.Slice((row * g.Plane) + (i * ow), ow);
                var ih = (i * g.Stride) - g.Padding + kh;
                if ((uint)ih >= (uint)g.H || j0 >= j1)
                {
                    line.Clear();
                    continue;
                }

                line[..j0].Clear();
                line[j1..].Clear();
                var first = (ih * g.W) + (j0 * g.Stride) - g.Padding + kw;
                if (g.Stride == 1)
                {
                    src.Slice(first, j1 - j0).CopyTo(line[j0..j1]);
                }
                else
                {
                    for (var j = j0; j < j1; j++)
                    {
                        line[j] = src[first + ((j - j0) * g.Stride)];
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/> for one image: dx[c,ih,iw] += Σ dcol over every entry that read it.</summary>
    public static void Col2ImAdd(ConvGeometry g, Span<float> dcol, Span<float> dx)
    {
        var (oh, ow) = (g.OH, g.OW);
        for (var row = 0; row < g.Rows; row++)
        {
            var c = row / (g.KH * g.KW);
            var kh = row / g.KW % g.KH;
            var kw = row % g.KW;
            var dst = dx.Slice(c * g.H * g.W, g.H * g.W);
            if (IsShift(g))
            {
                // Entries that read padding carry no gradient: zero them, then add the row back shifted by d.
                var src = dcol.Slice(row * g.Plane, g.Plane);
                var (start, end, d) = ShiftRange(g, kh, kw);
                if (start < end)
                {
                    ClearOutside(g, kh, kw, src);
                    var to = dst.Slice(start + d, end - start);
                    TensorPrimitives.Add(to, src[start..end], to);
                }

                continue;
            }

            var (j0, j1) = ValidColumns(g, kw);
            for (var i = 0; i < oh && j0 < j1; i++)
            {
                var ih = (i * g.Stride) - g.Padding + kh;
                if ((uint)ih >= (uint)g.H)
                {
                    continue;
                }

                var line = dcol.Slice((row * g.Plane) + (i * ow) + j0, j1 - j0);
                var first = (ih * g.W) + (j0 * g.Stride) - g.Padding + kw;
                if (g.Stride == 1)
                {
                    var to = dst.Slice(first, j1 - j0);
                    TensorPrimitives.Add(to, line, to);
                }
                else
                {
                    for (var j = 0; j < line.Length; j++)
                    {
                        dst[first + (j * g.Stride)] += line[j];
                    }
                }
            }
        }
    }

    // Stride 1 with "same" padding: each column-matrix row is the input plane shifted by a constant offset.
    private static bool IsShift(ConvGeometry g) => g.Stride == 1 && g.OH == g.H && g.OW == g.W;

    // For a shift row (kh,kw): the span [start, end) of output positions from the first to the last that read
    // inside the image, and the offset d from an output position to the input position it reads.
    private static (int Start, int End, int D) ShiftRange(ConvGeometry g, int kh, int kw)
    {
        var i0 = Math.Max(0, g.Padding - kh);
        var i1 = Math.Min(g.OH, g.H + g.Padding - kh);
        var (j0, j1) = ValidColumns(g, kw);
        var d = ((kh - g.Padding) * g.W) + (kw - g.Padding);
        return i0 >= i1 || j0 >= j1 ? (0, 0, d) : ((i0 * g.OW) + j0, ((i1 - 1) * g.OW) + j1, d);
    }

    // Zeroes the positions inside a shift row's span whose input column lies outside the image.
    private static void ClearOutside(ConvGeometry g, int kh, int kw, Span<float> row)
    {
        var (j0, j1) = ValidColumns(g, kw);
        var i0 = Math.Max(0, g.Padding - kh);
        var i1 = Math.Min(g.OH, g.H + g.Padding - kh);
        for (var i = i0; i < i1; i++)
        {
            row.Slice(i * g.OW, j0).Clear();
            row.Slice((i * g.OW) + j1, g.OW - j1).Clear();
        }
    }

    // Output columns j whose input column j·s − p + kw lies inside the image: [j0, j1).
    private static (int J0, int J1) ValidColumns(ConvGeometry g, int kw)
    {
        var j0 = Math.Clamp((g.Padding - kw + g.Stride - 1) / g.Stride, 0, g.OW);
        var last = g.W - 1 + g.Padding - kw;
        var j1 = last < 0 ? 0 : Math.Min(g.OW, (last / g.Stride) + 1);
        return (j0, Math.Max(j0, j1));
    }

    private static float[] Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<float>(length);
        }

        return buffer;
    }
}
