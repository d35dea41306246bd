using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Matrix product op(a)·op(b). a is (…,M,K) or, transposed, (…,K,M); b is (K,N) or (N,K), or batched with the
    /// same leading dims as a. A 2-D b is shared by every row of a batched a, as in x·W.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        if (a.Rank < 2 || b.Rank < 2)
        {
            throw new ArgumentException($"matmul: operands need rank 2 or more, got {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)}");
        }

        var ar = a.Shape[^2];
        var ac = a.Shape[^1];
        var (m, ka) = transA ? (ac, ar) : (ar, ac);
        var (kb, n) = transB ? (b.Shape[^1], b.Shape[^2]) : (b.Shape[^2], b.Shape[^1]);
        if (ka != kb)
        {
            throw new ArgumentException(
                $"matmul: inner sizes differ: {Shapes.Format(a.Shape)}{(transA ? "ᵀ" : "")} · {Shapes.Format(b.Shape)}{(transB ? "ᵀ" : "")}");
        }

        var batch = a.Length / (ar * ac == 0 ? 1 : ar * ac);
        var shared = b.Rank == 2;
        if (!shared && !a.Shape[..^2].SequenceEqual(b.Shape[..^2]))
        {
            throw new ArgumentException($"matmul: batch dims differ: {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)}");
        }

        var outShape = a.ShapeArray.ToArray();
        outShape[^2] = m;
        outShape[^1] = n;
        var y = Tensor.Uninitialized(outShape);
        var gemm = Compute.Current.Gemm;
        if (shared && !transA)
        {
            // (…,M,K)·(K,N): one product with the leading dims folded into M.
            gemm.Sgemm(false, transB, batch * m, n, ka, 1f, a.Data, ac, b.Data, b.Shape[^1], 0f, y.Data, n);
        }
        else
        {
            var bStride = shared ? 0 : b.Shape[^2] * b.Shape[^1];
            for (var i = 0; i < batch; i++)
            {
                gemm.Sgemm(transA, transB, m, n, ka, 1f, a.Data.Slice(i * ar * ac, ar * ac), ac,
                    b.Data.Slice(i * bStride, b.Shape[^2] * b.Shape[^1]), b.Shape[^1], 0f, y.Data.Slice(i * m * n, m * n), n);
            }
        }

        return Tape.Add(y, [a, b], () => Gradients.MatMul(a, b, y, transA, transB));
    }

    /// <summary>y = x·Wᵀ + bias, PyTorch's nn.Linear: x is (…,C), weight (OC,C), bias (OC) or null; y is (…,OC).</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        var c = x.Shape[^1];
        Shapes.RequireRank(weight, 2, "linear", "weight");
        if (weight.Shape[1] != c)
        {
            throw new ArgumentException($"linear: input {Shapes.Format(x.Shape)} does not match weight {Shapes.Format(weight.Shape)} (columns must be {c})");
        }

        var oc = weight.Shape[0];
        if (bias is not null && (bias.Rank != 1 || bias.Length != oc))
        {
            throw new ArgumentException($"linear: bias {Shapes.Format(bias.Shape)} does not match weight {Shapes.Format(weight.Shape)}");
        }

        var rows = c == 0 ? 0 : x.Length / c;
        var outShape = x.ShapeArray.ToArray();
        outShape[^1] = oc;
        var y = Tensor.Uninitialized(outShape);
        var ys = y.Data;
        var beta = 0f;
        if (bias is not null)
        {
            // y starts as the bias in every row, then the product is added to it.
            var bs = bias.Data;
            for (var r = 0; r < rows; r++)
            {
                bs.CopyTo(ys.Slice(r * oc, oc));
            }

            beta = 1f;
        }

        Compute.Current.Gemm.Sgemm(false, true, rows, oc, c, 1f, x.Data, c, weight.Data, c, beta, ys, oc);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Tape.Add(y, inputs, () => Gradients.Linear(x, weight, bias, y));
    }
}
