using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Metrics;
using CollapseLab.Policies;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Running;

/// <summary>
/// A block of chains of one arm advanced together, generation by generation: the family's block fits and samples
/// every chain, each metric runs over the block, and the chains' rows sit in one flat array that each generation
/// trains on in place. Every chain draws from its own streams as <see cref="Chain"/> does, so it gets the same
/// bits; the runner uses this path only for arms whose every stage has a lockstep form (<see cref="Supports"/>).
/// </summary>
public sealed class LockstepChains(ExperimentSpec spec, ArmSpec arm, IReadOnlyList<int> replicates)
{
    /// <summary>Row values a block holds at most, so its samples stay in a core's cache.</summary>
    private const int BlockValues = 1 << 15;

    /// <summary>Few enough that the workers, taking blocks in turn, end within a short block of each other.</summary>
    private const int MaxChains = 16;

    /// <summary>Chains per block for <paramref name="arm"/>.</summary>
    public static int ChainsPerBlock(ArmSpec arm) => Math.Clamp(BlockValues / arm.SamplesPerGeneration, 1, MaxChains);

    /// <summary>
    /// True when the arm can run in lockstep: its family declares it and opens a block for this data, its policy
    /// trains in place, it has no curation, monitor or saved models, and every metric has a lockstep form for the block.
    /// </summary>
    public static bool Supports(ExperimentSpec spec, ArmSpec arm)
    {
        if (!spec.Catalog.Provides(arm.Family, Capabilities.Lockstep) || arm.Family is not ILockstepFamily family
            || arm.Policy.InPlaceComposition(1, arm.SamplesPerGeneration) is null || !arm.Curation.IsEmpty
            || arm.Monitor is not null || arm.Family is ISavedModels { SavesModels: true })
        {
            return false;
        }
        var probe = family.OpenBlock(arm.Data, 1, arm.SamplesPerGeneration);
        return probe is not null && spec.Metrics.All(m => m is ILockstepMetric l && l.Supports(probe, arm.Data));
    }

    /// <summary>
    /// Runs every chain from generation 0 to the last, or until cancelled between generations.
    /// <paramref name="afterGeneration"/> is called after each generation with the block, whose chains have all
    /// completed it.
    /// </summary>
    public ChainResult[] Run(Action<LockstepChains> afterGeneration, CancellationToken cancel)
    {
        var n = replicates.Count;
        var m = arm.SamplesPerGeneration;
        var metrics = spec.Metrics;
        var k = metrics.Count;
        var block = ((ILockstepFamily)arm.Family).OpenBlock(arm.Data, n, m)
            ?? throw new InvalidOperationException($"arm '{arm.Name}': the {arm.Family.Name} family opened no lockstep block.");
        var d = block.Dim;
        _block = block;
        Results = replicates.Select(r => new ChainResult(arm.Index, r, spec.Generations, k)).ToArray();
        var pools = replicates.Select(r => ((RowBatch)arm.Data.Pool(spec.Seed, r)).Values).ToArray();
        _rows = new double[n * m * d];
        var values = new double[n];
        for (var g = 0; g <= spec.Generations && !cancel.IsCancellationRequested; g++)
        {
            // Generation 0 trains on the real pool, later ones on the last samples, which the draw then overwrites.
            if (g == 0)
            {
                for (var c = 0; c < n; c++)
                {
                    block.Fit(c, 1, pools[c]);
                }
            }
            else
            {
                block.Fit(0, n, _rows);
            }
            for (var c = 0; c < n; c++)
            {
                block.Sample(c, new StreamKey(spec.Seed, replicates[c], g, Purpose.Sample), Rows(c));
            }
            var composition = g == 0 ? Composition.AllReal(pools[0].Length / d) : arm.Policy.InPlaceComposition(g, m)!;
            var context = new LockstepMetricContext(g, block, arm.Data, composition);
            for (var j = 0; j < k; j++)
            {
                ((ILockstepMetric)metrics[j]).Compute(context, values);
                for (var c = 0; c < n; c++)
                {
                    Results[c].Values[g * k + j] = values[c];
                }
            }
            for (var c = 0; c < n; c++)
            {
                var result = Results[c];
                result.Compositions.Add(replicates[c] < spec.Output.CompositionReplicates ? composition : null);
                if (result.Degenerate is null && block.Degeneracy(c) is { } reason)
                {
                    result.Degenerate = (g, reason);
                }
                result.Completed = g + 1;
            }
            afterGeneration(this);
        }
        return Results;
    }

    private IChainBlock? _block;

    private double[] _rows = [];

    /// <summary>Each chain's results so far, in the order of the replicates given.</summary>
    public ChainResult[] Results { get; private set; } = [];

    private Span<double> Rows(int chain)
    {
        var length = arm.SamplesPerGeneration * _block!.Dim;
        return _rows.AsSpan(chain * length, length);
    }

    /// <summary>Chain <paramref name="chain"/> as a stopped <see cref="Chain"/> would leave it: its results and last samples.</summary>
    public ChainState State(int chain)
    {
        var result = Results[chain];
        var synthetic = new DataBatch?[spec.Generations + 1];
        if (result.Completed > 0)
        {
            synthetic[result.Completed - 1] = new RowBatch(Rows(chain).ToArray(), _block!.Dim);
        }
        return new ChainState(result, synthetic);
    }
}
