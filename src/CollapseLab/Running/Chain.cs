using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Metrics;
using CollapseLab.Policies;
using CollapseLab.Random;
using CollapseLab.Specs;
using CollapseLab.Tensors;

namespace CollapseLab.Running;

/// <summary>
/// One chain of generations for one arm and replicate: fit, evaluate, sample, compose the next training set.
/// Every random draw comes from a stream keyed by (seed, replicate, generation, purpose), so a chain's results
/// depend on nothing else — not on threads, not on other chains, not on having been stopped and resumed.
/// </summary>
public sealed class Chain
{
    private readonly ExperimentSpec _spec;
    private readonly ArmSpec _arm;
    private readonly int _replicate;
    private readonly int _threads;
    private readonly Compute _compute;
    private readonly string? _modelDirectory;
    private readonly Monitoring.ChainMonitor? _monitor;

    /// <param name="compute">This chain's GEMM and thread budget, entered on the thread that runs it.</param>
    /// <param name="modelDirectory">Where families that save their models put this chain's (null: nowhere).</param>
    /// <param name="monitor">The arm's monitor with its calibrated thresholds (null: unmonitored).</param>
    public Chain(ExperimentSpec spec, ArmSpec arm, int replicate, Compute compute, string? modelDirectory = null, Monitoring.ChainMonitor? monitor = null)
    {
        _monitor = monitor;
        _modelDirectory = modelDirectory;
        _spec = spec;
        _arm = arm;
        _replicate = replicate;
        _compute = compute;
        _threads = compute.Threads;
    }

    private StreamKey Key(int generation, Purpose purpose) => new(_spec.Seed, _replicate, generation, purpose);

    /// <summary>
    /// Runs from <paramref name="resumeFrom"/> (or the start) to the last generation, or until cancelled between
    /// generations. <paramref name="afterGeneration"/> is called after each generation with the results and the
    /// synthetic batches kept so far (a checkpoint is made of them only when one is due).
    /// </summary>
    public ChainState Run(ChainState? resumeFrom, Action<ChainResult, DataBatch?[]> afterGeneration, CancellationToken cancel)
    {
        using var compute = _compute.Enter();
        var pool = _arm.Data.Pool(_spec.Seed, _replicate);
        IModel? model0 = null;
        IModel? previous = null;
        if (_arm.Family.WarmStartsFromPrevious && resumeFrom is not null
            && !SavedChainModels.TryLoad(_arm.Family, _modelDirectory, resumeFrom.Result.Completed, pool, out model0, out previous))
        {
            // Nothing saved to continue from: run again from generation 0, which gives the same bits.
            resumeFrom = null;
        }
        var generations = _spec.Generations;
        var metrics = _spec.Metrics;
        // Each metric draws from a stream named after it: its values never depend on which other metrics run, or in
        // what order. The name's hash does not depend on the generation, so it is taken once per chain.
        var metricKeys = metrics.Select(m => Key(0, Purpose.Metric).Named(m.Name)).ToArray();
        var result = resumeFrom?.Result ?? new ChainResult(_arm.Index, _replicate, generations, metrics.Count);
        var synthetic = new DataBatch?[generations + 1];
        resumeFrom?.Synthetic.ToArray().CopyTo(synthetic, 0);
        DataBatch? retired = null;
        Func<int, StreamKey, DataBatch> fresh = _arm.Data.Fresh;
        var policy = _monitor?.PolicyAfter(result, _arm.Policy) ?? _arm.Policy;
        // A policy an intervention may switch to reuses older samples only if they were kept from the start.
        var keepsHistory = _arm.Policy.KeepsHistory || _monitor?.Action.Then?.KeepsHistory == true;
        // The last kept generation's training set and the policy that composed it: a growing policy extends it only if it was its own.
        (DataBatch Data, Policy Policy)? previousTrain = null;
        if (result.Completed > 0 && model0 is null)
        {
            model0 = _arm.Family.Fit(pool, new FitContext(0, Key(0, Purpose.Fit), _threads, null, null, pool) { RealData = _arm.Data });
        }

        for (var g = result.Completed; g <= generations; g++)
        {
            if (cancel.IsCancellationRequested)
            {
                break;
            }
            var policyInput = new PolicyInput(g, pool, synthetic, fresh, Key(g, Purpose.Policy))
            {
                PreviousTraining = previousTrain is { } last && ReferenceEquals(last.Policy, policy) ? last.Data : null,
            };
            var pooled = policy as ICandidatePolicy;
            var train = g == 0
                ? new TrainingSet(pool, Composition.AllReal(pool.Count))
                : pooled is not null && !_arm.Curation.IsEmpty
                    ? CuratePool(g, pooled.Candidates(policyInput), model0!, result)
                    : policy.Compose(policyInput);
            var model = _arm.Family.Fit(train.Data, new FitContext(g, Key(g, Purpose.Fit), _threads, previous, model0, pool) { ModelDirectory = _modelDirectory, RealData = _arm.Data });
            model0 ??= model;
            var samples = model.Sample(_arm.SamplesPerGeneration, Key(g, Purpose.Sample), _threads);
            if (!_arm.Curation.IsEmpty && pooled is null)
            {
                // Top-up rounds draw from streams of their own, never reusing the main sample stream's draws.
                var sampleKey = Key(g, Purpose.Sample);
                var pass = _arm.Curation.Apply(g, samples, round => model.Sample(_arm.SamplesPerGeneration, sampleKey.Named($"top-up-{round}"), _threads),
                    model, _arm.Data, Key(g, Purpose.Curation), _threads, model0);
                result.Add(g, pass);
                samples = pass.Survivors;
            }

            var recording = _replicate < _spec.Output.SampleValueReplicates;
            var sink = recording ? new SampleValueSink(g, result.SampleValues) : null;
            if (recording)
            {
                var previews = Math.Min(samples.Count, _spec.Output.PreviewCount(samples.Kind));
                result.Previews.Add((g, Enumerable.Range(0, previews).Select(samples.Preview).ToArray()));
            }
            var context = new MetricContext(g, model, model0, _arm.Data, train.Data, samples, default, _threads, sink, train.Composition, _arm.Curation.Steps);
            for (var k = 0; k < metrics.Count; k++)
            {
                result.Values[g * metrics.Count + k] = metrics[k].Compute(context with { Stream = metricKeys[k] with { Generation = g } });
            }
            var action = _monitor?.Check(g, result);
            if (action == Monitoring.MonitorAction.Rollback)
            {
                // Back to generation g−1's model and samples (still held), and generation g again under the new policy.
                result.Forget(g);
                policy = _monitor!.Action.Then!;
                g--;
                continue;
            }
            previousTrain = (train.Data, policy);
            result.Compositions.Add(_replicate < _spec.Output.CompositionReplicates ? train.Composition : null);
            if (result.Degenerate is null && model.Degeneracy is { } reason)
            {
                result.Degenerate = (g, reason);
            }

            synthetic[g] = samples;
            previous = model;
            if (!keepsHistory && g > 0)
            {
                // Generation g−1's samples leave the chain now, but model g, fitted on them, lives on as previous.
                // The batch dropped a generation ago lost its model just above: that one is free to reuse.
                if (retired is RowBatch free && _arm.Family.RecyclesSamples)
                {
                    ChunkedRows.Recycle(free);
                }
                retired = synthetic[g - 1];
                synthetic[g - 1] = null;
            }
            result.Completed = g + 1;
            if (action == Monitoring.MonitorAction.Stop)
            {
                result.HoldFrom(g);
            }
            else if (action == Monitoring.MonitorAction.InjectReal)
            {
                policy = _monitor!.Action.Then!;
            }
            afterGeneration(result, synthetic);
            if (action == Monitoring.MonitorAction.Stop)
            {
                break;
            }
        }
        return new ChainState(result, synthetic);
    }

    /// <summary>
    /// The arm's curation run on a candidate pool (the contaminated setting). The steps are given model₀: it is the
    /// one earlier model a resumed chain has without refitting, so a resumed run curates exactly as an uninterrupted
    /// one. The survivors' composition comes from the ledger's origins, which the fit never sees.
    /// </summary>
    private TrainingSet CuratePool(int g, CandidatePool candidates, IModel model0, ChainResult result)
    {
        var pass = _arm.Curation.Apply(g, candidates.Data, model0, _arm.Data, Key(g, Purpose.Curation), _threads, candidates.Origins, model0);
        result.Add(g, pass);
        var origins = pass.Origins ?? throw new InvalidOperationException(
            $"a curation step of arm '{_arm.Name}' dropped items without saying which (CurationOutcome.Indices), so the pool's composition is unknown.");
        return new TrainingSet(pass.Survivors, CandidatePool.Of(origins));
    }
}
