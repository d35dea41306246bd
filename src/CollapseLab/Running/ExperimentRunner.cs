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
    private Monitoring.ChainMonitor?[] _monitors = [];
    private readonly long _calibrationSteps;

    public ExperimentRunner(ExperimentSpec spec, RunFolder? folder, Compute compute)
    {
        _spec = spec;
        _folder = folder;
        _calibrationSteps = Monitoring.Calibrator.Needed(spec) && (folder is null || !File.Exists(folder.File(Monitoring.Calibration.FileName)))
            ? Monitoring.Calibrator.Steps(spec) : 0;
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

    /// <summary>
    /// True (the default) runs arms that support it in lockstep blocks (<see cref="LockstepChains"/>); false runs
    /// every chain on its own, the reference the lockstep path is tested against. Results are the same bits.
    /// </summary>
    public bool Lockstep { get; init; } = true;

    /// <summary>Generations to run in all (chains × (G+1)), plus the calibration chains' when calibration is still to do.</summary>
    public long TotalSteps => (long)Owned.Count * (_spec.Generations + 1) + _calibrationSteps;

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

        if (pending.Length > 0 && !Calibrate(cancel))
        {
            return null;
        }
        var items = WorkItems(pending);
        var workers = Math.Min(Threads, Math.Max(items.Count, 1));
        var chainCompute = Compute.WithThreads(Math.Max(1, Threads / workers));
        var next = -1;
        Exception? failure = null;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var progress = _folder is null || pending.Length == 0 ? null : ProgressLog.Open(_folder, _spec);
        void Work()
        {
            try
            {
                int i;
                while (!failed.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < items.Count)
                {
                    var (arm, replicates, lockstep) = items[i];
                    if (lockstep)
                    {
                        RunBlock(arm, replicates, progress, results, failed.Token);
                    }
                    else
                    {
                        results[Slot(arm, replicates[0])] = RunChain(arm, replicates[0], chainCompute, progress, failed.Token);
                    }
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

    /// <summary>
    /// The pending chains as units of work, in slot order: blocks of up to <see cref="LockstepChains.ChainsPerBlock"/>
    /// chains of one arm where the arm runs in lockstep (chains that start afresh and record no per-sample values),
    /// otherwise one chain each.
    /// </summary>
    private List<(int Arm, int[] Replicates, bool Lockstep)> WorkItems(int[] pending)
    {
        var lockstep = _spec.Arms.Select(a => Lockstep && LockstepChains.Supports(_spec, a)).ToArray();
        var open = _spec.Arms.Select(_ => new List<int>()).ToArray();
        var items = new List<(int, int[], bool)>();
        foreach (var slot in pending)
        {
            var (arm, replicate) = (slot % _spec.Arms.Count, slot / _spec.Arms.Count);
            if (!lockstep[arm] || replicate < _spec.Output.SampleValueReplicates || _folder?.HasCheckpoint(arm, replicate) == true)
            {
                items.Add((arm, [replicate], false));
                continue;
            }
            open[arm].Add(replicate);
            if (open[arm].Count == LockstepChains.ChainsPerBlock(_spec.Arms[arm]))
            {
                items.Add((arm, [.. open[arm]], true));
                open[arm].Clear();
            }
        }
        items.AddRange(open.Select((replicates, arm) => (arm, replicates.ToArray(), true)).Where(item => item.Item2.Length > 0));
        return items;
    }

    /// <summary>The thresholds this run's monitors use, calibrated on its null arms first (see <see cref="Monitoring.Calibrator"/>).</summary>
    public Monitoring.Calibration? Calibration { get; private set; }

    /// <summary>
    /// Reads the run's calibration.json, or calibrates and saves it; false when cancelled first. Calibration runs
    /// before any chain, so the null arm's calibration chains are done before a monitored chain needs a threshold.
    /// </summary>
    private bool Calibrate(CancellationToken cancel)
    {
        if (!Monitoring.Calibrator.Needed(_spec))
        {
            return true;
        }
        Calibration = (_folder is null ? null : Monitoring.Calibration.Load(_folder)) ?? Monitoring.Calibrator.Run(_spec, Compute, cancel,
            () => Interlocked.Increment(ref _completedSteps));
        if (Calibration is null)
        {
            return false;
        }
        if (_folder is not null)
        {
            Calibration.Save(_folder);
        }
        _monitors = _spec.Arms.Select(a => a.Monitor is { } m ? new Monitoring.ChainMonitor(_spec, m, Calibration) : null).ToArray();
        return true;
    }

    private ChainResult RunChain(int arm, int replicate, Compute compute, ProgressLog? progress, CancellationToken cancel)
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
        var chain = new Chain(_spec, armSpec, replicate, compute, models, _monitors.Length > 0 ? _monitors[arm] : null);
        var unpublished = 0;
        // Alarms a checkpoint holds were appended before it was saved.
        var announced = resume?.Result.Alarms.Count ?? 0;
        var state = chain.Run(resume, (result, synthetic) =>
        {
            if (_folder is not null && result.Alarms.Count > announced)
            {
                Monitoring.MonitorExport.AppendLive(_folder, armSpec.Name, result, announced);
                announced = result.Alarms.Count;
            }
            var finished = Counted(result, progress, ref unpublished);
            if (_folder is not null && !finished && lastSave.Elapsed >= CheckpointInterval)
            {
                _folder.SaveCheckpoint(new ChainState(result, synthetic));
                lastSave.Restart();
            }
        }, cancel);
        Interlocked.Add(ref _completedSteps, unpublished);
        Conclude(state);
        return state.Result;
    }

    /// <summary>Runs a lockstep block of one arm's chains from generation 0, into their slots of <paramref name="results"/>.</summary>
    private void RunBlock(int arm, int[] replicates, ProgressLog? progress, ChainResult?[] results, CancellationToken cancel)
    {
        var lastSave = Stopwatch.StartNew();
        var unpublished = 0;
        var block = new LockstepChains(_spec, _spec.Arms[arm], replicates);
        block.Run(chains =>
        {
            var finished = false;
            foreach (var result in chains.Results)
            {
                finished = Counted(result, progress, ref unpublished);
            }
            if (_folder is not null && !finished && lastSave.Elapsed >= CheckpointInterval)
            {
                for (var c = 0; c < replicates.Length; c++)
                {
                    _folder.SaveCheckpoint(chains.State(c));
                }
                lastSave.Restart();
            }
        }, cancel);
        Interlocked.Add(ref _completedSteps, unpublished);
        for (var c = 0; c < replicates.Length; c++)
        {
            Conclude(block.State(c));
            results[Slot(arm, replicates[c])] = block.Results[c];
        }
    }

    /// <summary>
    /// Records that <paramref name="result"/> completed a generation: its progress line and the shared count. True
    /// when that was the chain's last generation.
    /// </summary>
    private bool Counted(ChainResult result, ProgressLog? progress, ref int unpublished)
    {
        var finished = result.Completed == _spec.Generations + 1;
        var generation = result.Completed - 1;
        progress?.Append(result.Arm, result.Replicate, generation, result.Values.AsSpan(generation * result.MetricCount, result.MetricCount));
        // Progress is published in batches: one shared counter bumped by every generation of every worker
        // would bounce its cache line between cores. A callback, when set, sees every generation.
        unpublished++;
        if (AfterGeneration is not null || finished || unpublished >= 64)
        {
            var done = Interlocked.Add(ref _completedSteps, unpublished);
            unpublished = 0;
            AfterGeneration?.Invoke(done);
        }
        return finished;
    }

    /// <summary>Logs a finished chain (and drops its checkpoint), or checkpoints one stopped part-way.</summary>
    private void Conclude(ChainState state)
    {
        var result = state.Result;
        if (_folder is null)
        {
            return;
        }
        if (result.Completed == _spec.Generations + 1)
        {
            _folder.Chains.Append(result);
            ChainFinished?.Invoke(result);
            _folder.DeleteCheckpoint(result.Arm, result.Replicate);
        }
        else if (result.Completed > 0)
        {
            _folder.SaveCheckpoint(state);
        }
    }
}
