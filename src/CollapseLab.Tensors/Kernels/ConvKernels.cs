namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// The geometry of a 2-D convolution and the im2col/col2im copies that turn it into one GEMM. Columns are laid out
/// (C·KH·KW, B·OH·OW): row (c,kh,kw), column (b,oh,ow). im2col splits its work by column rows and col2im by
/// (b,c) planes, and each output element is summed in a fixed order, so results do not depend on the thread count.
/// </summary>
internal readonly record struct ConvGeometry(int B, int C, int H, int W, int KH, int KW, int Stride, int Padding)
{
    public int OH => ((H + (2 * Padding) - KH) / Stride) + 1;

    public int OW => ((W + (2 * Padding) - KW) / Stride) + 1;

    /// <summary>Rows of the column matrix: C·KH·KW.</summary>
    public int Rows => C * KH * KW;

    /// <summary>Columns of the column matrix: B·OH·OW.</summary>
    public int Columns => B * OH * OW;
}

internal static class ConvKernels
{
    /// <summary>col[(c,kh,kw), (b,oh,ow)] = x[b, c, oh·s − p + kh, ow·s − p + kw], 0 outside the image.</summary>
    public static void Im2Col(ConvGeometry g, float[] x, int xOffset, float[] col)
    {
        var (oh, ow) = (g.OH, g.OW);
        var plane = oh * ow;
        Parallelism.For(g.Rows, g.Columns, row =>
        {
            var c = row / (g.KH * g.KW);
            var kh = row / g.KW % g.KH;
            var kw = row % g.KW;
            var dst = col.AsSpan(row * g.Columns, g.Columns);
            for (var b = 0; b < g.B; b++)
            {
                var src = x.AsSpan(xOffset + (((b * g.C) + c) * g.H * g.W), g.H * g.W);
                for (var i = 0; i < oh; i++)
                {
                    var ih = (i * g.Stride) - g.Padding + kh;
                    var line = dst.Slice((b * plane) + (i * ow), ow);
                    if ((uint)ih >= (uint)g.H)
                    {
                        line.Clear();
                        continue;
                    }

                    for (var j = 0; j < ow; j++)
                    {
                        var iw = (j * g.Stride) - g.Padding + kw;
                        line[j] = (uint)iw < (uint)g.W ? src[(ih * g.W) + iw] : 0f;
                    }
                }
            }
        });
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: dx[b,c,ih,iw] += Σ dcol over every (kh,kw,oh,ow) that read it.</summary>
    public static void Col2ImAdd(ConvGeometry g, float[] dcol, float[] dx, int dxOffset)
    {
        var (oh, ow) = (g.OH, g.OW);
        var plane = oh * ow;
        var hw = g.H * g.W;
        Parallelism.For(g.B * g.C, (long)g.KH * g.KW * plane, bc =>
        {
            var (b, c) = (bc / g.C, bc % g.C);
            var dst = dx.AsSpan(dxOffset + (bc * hw), hw);
            for (var kh = 0; kh < g.KH; kh++)
            {
                for (var kw = 0; kw < g.KW; kw++)
                {
                    var src = dcol.AsSpan((((c * g.KH) + kh) * g.KW + kw) * g.Columns + (b * plane), plane);
                    for (var i = 0; i < oh; i++)
                    {
                        var ih = (i * g.Stride) - g.Padding + kh;
                        if ((uint)ih >= (uint)g.H)
                        {
                            continue;
                        }

                        for (var j = 0; j < ow; j++)
                        {
                            var iw = (j * g.Stride) - g.Padding + kw;
                            if ((uint)iw < (uint)g.W)
                            {
                                dst[(ih * g.W) + iw] += src[(i * ow) + j];
                            }
                        }
                    }
                }
            }
        });
    }

    /// <summary>(OC, B·P) → (B, OC, P), adding bias[oc] when given.</summary>
    public static void ToBatchMajor(ReadOnlySpan<float> src, int b, int oc, int p, ReadOnlySpan<float> bias, Span<float> dst)
    {
        for (var o = 0; o < oc; o++)
        {
            var add = bias.IsEmpty ? 0f : bias[o];
            for (var i = 0; i < b; i++)
            {
                var from = src.Slice((o * b * p) + (i * p), p);
                var to = dst.Slice(((i * oc) + o) * p, p);
                System.Numerics.Tensors.TensorPrimitives.Add(from, add, to);
            }
        }
    }

    /// <summary>(B, OC, P) → (OC, B·P), the inverse of <see cref="ToBatchMajor"/> without the bias.</summary>
    public static void ToChannelMajor(ReadOnlySpan<float> src, int b, int oc, int p, Span<float> dst)
    {
        for (var i = 0; i < b; i++)
        {
            for (var o = 0; o < oc; o++)
            {
                src.Slice(((i * oc) + o) * p, p).CopyTo(dst.Slice((o * b * p) + (i * p), p));
            }
        }
    }
}
