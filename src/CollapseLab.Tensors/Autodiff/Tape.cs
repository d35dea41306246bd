namespace CollapseLab.Tensors.Autodiff;

/// <summary>
/// Records, in creation order, each op whose inputs need gradients, with a closure that adds the output's gradient
/// into the inputs' gradients. Creation order is a topological order, so <see cref="Backward"/> walks the records in
/// reverse, skipping those the loss does not depend on. A tape is active on the thread that created it until disposed.
/// </summary>
public sealed class Tape : IDisposable
{
    [ThreadStatic]
    private static Tape? current;

    [ThreadStatic]
    private static int noGradDepth;

    [ThreadStatic]
    private static Dictionary<int, Stack<float[]>>? pool;

    private readonly Tape? previous;
    private readonly List<Record> records = [];
    private readonly List<float[]>? rented;
    private readonly bool recording;
    private bool disposed;

    /// <summary>
    /// Starts recording on this thread. With <paramref name="recycleBuffers"/>, the storage of every tensor and
    /// gradient that ops create while this tape records is handed back to a per-thread pool on
    /// <see cref="Dispose"/> and reused by the next tape, as llm.c reuses its activation buffers: a training step
    /// then allocates nothing. Such tensors must not be used after disposal; copy out what you keep (e.g. the loss).
    /// </summary>
    public Tape(bool recycleBuffers = false)
        : this(recycleBuffers, record: true)
    {
    }

    private Tape(bool recycleBuffers, bool record)
    {
        previous = current;
        current = this;
        rented = recycleBuffers ? [] : null;
        recording = record;
    }

    /// <summary>The tape ops record on, or null outside any tape, inside <see cref="NoGrad"/> or an <see cref="Inference"/> scope.</summary>
    public static Tape? Current => noGradDepth > 0 || current is { recording: false } ? null : current;

    /// <summary>
    /// A scope that records nothing but, like a recycling tape, hands the storage of every tensor ops create in it
    /// back to the per-thread pool on <see cref="Dispose"/>: a sampling step then allocates nothing, where fresh
    /// activations of batch × width floats (large-object-heap arrays) cost a full collection every few steps.
    /// Copy out what outlives the scope.
    /// </summary>
    public static Tape Inference() => new(recycleBuffers: true, record: false);

    public int Count => records.Count;

    /// <summary>Stops recording on this thread until the scope is disposed; for evaluation and sampling.</summary>
    public static NoGradScope NoGrad()
    {
        noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>Seeds the gradient of a one-element <paramref name="loss"/> with 1 and runs the reverse walk.</summary>
    public void Backward(Tensor loss)
    {
        if (loss.Length != 1)
        {
            throw new ArgumentException($"Backward needs a one-element loss, but its shape is {Shapes.Format(loss.Shape)}");
        }

        if (loss.Tape != this)
        {
            throw new InvalidOperationException("the loss was not computed on this tape (was it computed under NoGrad?)");
        }

        loss.Grad[0] += 1f;
        var reachable = Reachable(loss.Node);
        for (var i = loss.Node; i >= 0; i--)
        {
            if (reachable[i] && records[i].Output.HasGrad)
            {
                records[i].Backward();
            }
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var r in records)
        {
            r.Output.Node = -1;
            r.Output.Tape = null;
        }

        records.Clear();
        current = previous;
        if (rented is not null)
        {
            pool ??= [];
            foreach (var a in rented)
            {
                if (!pool.TryGetValue(a.Length, out var stack))
                {
                    stack = new Stack<float[]>();
                    pool[a.Length] = stack;
                }

                stack.Push(a);
            }

            rented.Clear();
        }
    }

    /// <summary>
    /// Storage for an op's output or temporary: from the pool while a recycling tape records or an
    /// <see cref="Inference"/> scope is open, else a new array.
    /// Unless <paramref name="clear"/>, the contents are arbitrary and the caller overwrites them in full.
    /// </summary>
    internal static float[] Rent(int length, bool clear) =>
        current is { } tape && (!tape.recording || noGradDepth == 0) ? tape.Take(length, clear) : Fresh(length, clear);

    /// <summary>A zeroed gradient buffer for a tensor this tape produced.</summary>
    internal float[] RentFor(int length) => Take(length, clear: true);

    private static float[] Fresh(int length, bool clear) =>
        clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);

    private float[] Take(int length, bool clear)
    {
        if (rented is null || disposed)
        {
            return Fresh(length, clear);
        }

        float[] a;
        if (pool is not null && pool.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            a = stack.Pop();
            if (clear)
            {
                Array.Clear(a);
            }
        }
        else
        {
            a = Fresh(length, clear);
        }

        rented.Add(a);
        return a;
    }

    private static bool AnyRequiresGrad(Tensor[] inputs)
    {
        foreach (var t in inputs)
        {
            if (t.RequiresGrad)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records <paramref name="output"/> as computed from <paramref name="inputs"/> when any needs a gradient.</summary>
    internal static Tensor Add(Tensor output, Tensor[] inputs, Action backward)
    {
        var tape = Current;
        if (tape is null || !AnyRequiresGrad(inputs))
        {
            return output;
        }

        output.RequiresGrad = true;
        output.Node = tape.records.Count;
        output.Tape = tape;
        tape.records.Add(new Record(output, inputs, backward));
        return output;
    }

    private bool[] Reachable(int root)
    {
        var seen = new bool[records.Count];
        var stack = new Stack<int>();
        stack.Push(root);
        seen[root] = true;
        while (stack.Count > 0)
        {
            foreach (var input in records[stack.Pop()].Inputs)
            {
                if (input.Tape == this && !seen[input.Node])
                {
                    seen[input.Node] = true;
                    stack.Push(input.Node);
                }
            }
        }

        return seen;
    }

    private readonly record struct Record(Tensor Output, Tensor[] Inputs, Action Backward);

    /// <summary>Ends a <see cref="NoGrad"/> region.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        public void Dispose() => noGradDepth--;
    }
}
