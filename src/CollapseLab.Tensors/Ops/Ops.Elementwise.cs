using System.Numerics.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors;

/// <summary>The differentiable operations. Each computes its output and, while a tape records, registers the
/// matching rule from <see cref="Gradients"/>.</summary>
public static partial class Ops
{
    /// <summary>a + b with NumPy broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => BinaryOp(Broadcast.Op.Add, a, b, "add");

    /// <summary>a − b with NumPy broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => BinaryOp(Broadcast.Op.Subtract, a, b, "sub");

    /// <summary>a · b element-wise with NumPy broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => BinaryOp(Broadcast.Op.Multiply, a, b, "mul");

    /// <summary>a / b element-wise with NumPy broadcasting; division by zero gives ±inf or NaN as in IEEE 754.</summary>
    public static Tensor Div(Tensor a, Tensor b) => BinaryOp(Broadcast.Op.Divide, a, b, "div");

    /// <summary>y = s·x.</summary>
    public static Tensor Scale(Tensor x, float s)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        TensorPrimitives.Multiply(x.Data, s, y.Data);
        return Tape.Add(y, [x], () => Gradients.Scale(x, s, y));
    }

    /// <summary>y = x + s.</summary>
    public static Tensor AddScalar(Tensor x, float s)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        TensorPrimitives.Add(x.Data, s, y.Data);
        return Tape.Add(y, [x], () => Gradients.Identity(x, y));
    }

    /// <summary>y = eˣ.</summary>
    public static Tensor Exp(Tensor x)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        TensorPrimitives.Exp(x.Data, y.Data);
        return Tape.Add(y, [x], () => Gradients.Exp(x, y));
    }

    /// <summary>y = ln x; −inf at 0 and NaN below.</summary>
    public static Tensor Log(Tensor x)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        TensorPrimitives.Log(x.Data, y.Data);
        return Tape.Add(y, [x], () => Gradients.Log(x, y));
    }

    /// <summary>y = tanh x.</summary>
    public static Tensor Tanh(Tensor x)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        TensorPrimitives.Tanh(x.Data, y.Data);
        return Tape.Add(y, [x], () => Gradients.Tanh(x, y));
    }

    /// <summary>y = 1 / (1 + e⁻ˣ).</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        TensorPrimitives.Sigmoid(x.Data, y.Data);
        return Tape.Add(y, [x], () => Gradients.Sigmoid(x, y));
    }

    /// <summary>y = max(x, 0); the derivative at 0 is taken as 0, as in PyTorch.</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        TensorPrimitives.Max(x.Data, 0f, y.Data);
        return Tape.Add(y, [x], () => Gradients.Relu(x, y));
    }

    /// <summary>GELU; exact (erf) by default, as PyTorch's nn.GELU(); <see cref="GeluApproximation.Tanh"/> for GPT-2's form.</summary>
    public static Tensor Gelu(Tensor x, GeluApproximation approximation = GeluApproximation.Erf)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        GeluKernels.Forward(x.Storage, x.Offset, y.Storage, y.Offset, x.Length, approximation);
        return Tape.Add(y, [x], () => Gradients.Gelu(x, y, approximation));
    }

    private static Tensor BinaryOp(Broadcast.Op op, Tensor a, Tensor b, string name)
    {
        var y = Tensor.Uninitialized(Shapes.Broadcast(a.Shape, b.Shape, name));
        Broadcast.Binary(op, a, b, y);
        return op switch
        {
            Broadcast.Op.Add => Tape.Add(y, [a, b], () => Gradients.Add(a, b, y)),
            Broadcast.Op.Subtract => Tape.Add(y, [a, b], () => Gradients.Sub(a, b, y)),
            Broadcast.Op.Multiply => Tape.Add(y, [a, b], () => Gradients.Mul(a, b, y)),
            _ => Tape.Add(y, [a, b], () => Gradients.Div(a, b, y)),
        };
    }
}
