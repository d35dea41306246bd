using System.Diagnostics;
using CollapseLab.Data;
using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Running;

/// <summary>
/// Runs every chain (arm × replicate) of an experiment on up to <see cref="Threads"/> worker threads, each chain with
/// its share of the run's <see cref="Compute"/> (the GEMM and the thread budget of its tensor work). Results
/// land in fixed slots, so their order never depends on scheduling. With a run folder, each finished chain is
/// logged and unfinished chains are checkpointed every <see cref="CheckpointInterval"/> and when cancelled.
/// </summary>
public sealed class ExperimentRunner
{
    private readonly ExperimentSpec _spec;
    private readonly RunFolder? _folder;
    private long _completedSteps;

    public ExperimentRunner(ExperimentSpec spec, RunFolder? folder, Compute compute)
    {
        _spec = spec;
        _folder = folder;
        Compute = compute;
    }

    /// <summary>A runner on <paramref name="threads"/> threads with the default GEMM (the faster one here, see GemmChoice).</summary>
    public ExperimentRunner(ExperimentSpec spec, RunFolder? folder, int threads)
        : this(spec, folder, new Compute(GemmKind.Auto, threads))
    {
    }

    public Compute Compute { get; }

    public int Threads => Compute.Threads;

    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Called on the worker thread when a chain computed by this runner is complete and logged.</summary>
    public Action<ChainResult>? ChainFinished { get; init; }

    /// <summary>Called on the worker thread after every generation of every chain, with the total done so far.</summary>
    public Action<long>? AfterGeneration { get; init; }

    /// <summary>The chain slots this runner runs (a shard's share, see <see cref="ShardPlan"/>); null runs every chain.</summary>
    public IReadOnlyList<int>? Slots { get; init; }

    private IReadOnlyList<int> Owned => Slots ?? Enumerable.Range(0, _spec.ChainCount).ToArray();

    /// <summary>Generations to run in all (chains × (G+1)).</summary>
    public long TotalSteps => (long)Owned.Count * (_spec.Generations + 1);

    /// <summary>Generations finished so far; safe to poll from another thread for progress.</summary>
    public long CompletedSteps => Interlocked.Read(ref _completedSteps);

    /// <summary>Chain slot of an arm and replicate: replicate-major, so progress advances every arm together.</summary>
    private int Slot(int arm, int replicate) => replicate * _spec.Arms.Count + arm;

    /// <summary>
    /// Runs the chains not yet finished; returns the results of every chain it owns (all, or its <see cref="Slots"/>)
    /// in slot order, or null if cancelled before the end.
    /// </summary>
    public ChainResult[]? Run(CancellationToken cancel)
    {
        var results = new ChainResult?[_spec.ChainCount];
        foreach (var done in _folder?.Chains.ReadAll() ?? [])
        {
            results[Slot(done.Arm, done.Replicate)] = done;
        }
        var owned = Owned;
        var pending = owned.Where(i => results[i] is null).ToArray();
        Interlocked.Exchange(ref _completedSteps, (owned.Count - pending.Length) * (long)(_spec.Generations + 1));

        var workers = Math.Min(Threads, Math.Max(pending.Length, 1));
        var chainCompute = Compute.WithThreads(Math.Max(1, Threads / workers));
        var next = -1;
        Exception? failure = null;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        void Work()
        {
            try
            {
                int i;
                while (!failed.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < pending.Length)
                {
                    var slot = pending[i];
                    results[slot] = RunChain(slot % _spec.Arms.Count, slot / _spec.Arms.Count, chainCompute, failed.Token);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                failed.Cancel();
            }
        }
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(Work, 16 << 20)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (failure is not null)
        {
            throw new InvalidOperationException($"a chain failed: {failure.Message}", failure);
        }
        var mine = owned.Select(i => results[i]).ToArray();
        return mine.All(r => r is not null && r.Completed == _spec.Generations + 1) ? mine.Select(r => r!).ToArray() : null;
    }

    private ChainResult RunChain(int arm, int replicate, Compute compute, CancellationToken cancel)
    {
        var armSpec = _spec.Arms[arm];
        var resume = _folder?.LoadCheckpoint(arm, replicate);
        if (resume is not null)
        {
            Interlocked.Add(ref _completedSteps, resume.Result.Completed);
        }
        var lastSave = Stopwatch.StartNew();
        // Replicate 0 keeps the models a family saves; a warm-started chain keeps the ones it resumes from.
        var models = replicate == 0 ? _folder?.ModelDirectory(arm)
            : armSpec.Family.WarmStartsFromPrevious ? _folder?.ResumeModelDirectory(arm, replicate) : null;
        var chain = new Chain(_spec, armSpec, replicate, compute, models);
        var unpublished = 0;
        var state = chain.Run(resume, (result, synthetic) =>
        {
            var finished = result.Completed == _spec.Generations + 1;
            // Progress is published in batches: one shared counter bumped by every generation of every worker
            // would bounce its cache line between cores. A callback, when set, sees every generation.
            unpublished++;
            if (AfterGeneration is not null || finished || unpublished >= 64)
            {
                var done = Interlocked.Add(ref _completedSteps, unpublished);
                unpublished = 0;
                AfterGeneration?.Invoke(done);
            }
            if (_folder is not null && !finished && lastSave.Elapsed >= CheckpointInterval)
            {
                _folder.SaveCheckpoint(new ChainState(result, synthetic));
                lastSave.Restart();
            }
        }, cancel);
        Interlocked.Add(ref _completedSteps, unpublished);
        if (_folder is null)
        {
            return state.Result;
        }
        if (state.Result.Completed == _spec.Generations + 1)
        {
            _folder.Chains.Append(state.Result);
            ChainFinished?.Invoke(state.Result);
            _folder.DeleteCheckpoint(arm, replicate);
        }
        else if (state.Result.Completed > 0)
        {
            _folder.SaveCheckpoint(state);
        }
        return state.Result;
    }
}
