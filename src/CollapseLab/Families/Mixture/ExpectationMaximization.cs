using System.Numerics.Tensors;
using CollapseLab.Data;
using CollapseLab.Random;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// EM for a Gaussian mixture, written once for every covariance kind (scikit-learn's algorithm and numerics):
/// E step in log space, r_ik = exp(ln w_k + ln N(xᵢ; μ_k, Σ_k) − ln Σ_j w_j N(xᵢ; μ_j, Σ_j)); M step
/// n_k = Σᵢ r_ik (+10ε), μ_k = Σᵢ r_ik xᵢ / n_k, w_k = n_k / n, covariances from the kind's
/// <see cref="CovarianceForm"/>. The lower bound of an iteration is the mean log-likelihood under the parameters it
/// started from; EM stops when it changes by less than tol. A component with fewer than one sample's worth of
/// responsibility, or a singular covariance, is dropped or re-seeded (and counted), never left to produce NaN.
/// Data is held column-major and processed in fixed chunks of rows whose partial sums are added in chunk order,
/// so the result is the same bits for any thread count.
/// </summary>
public sealed class ExpectationMaximization
{
    public const int ChunkRows = 1024;

    /// <summary>A component with less responsibility than this (in samples) is empty.</summary>
    public const double EmptyCount = 1.0;

    /// <summary>Most Lloyd iterations after k-means++ seeding.</summary>
    public const int LloydIterations = 20;

    /// <summary>numpy's float64 eps; scikit-learn adds 10·eps to every n_k.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    private readonly RowBatch _x;
    private readonly double[] _columns;
    private readonly int _n;
    private readonly int _d;
    private readonly int _chunks;
    private readonly int _threads;
    private readonly MixtureFamily _options;
    private readonly CovarianceForm _form;
    private double[] _resp;
    private readonly double[] _rowLogProb;

    public ExpectationMaximization(RowBatch x, MixtureFamily options, int threads)
    {
        _x = x;
        _n = x.Count;
        _d = x.Dim;
        _chunks = (_n + ChunkRows - 1) / ChunkRows;
        _threads = Math.Max(1, threads);
        _options = options;
        _form = CovarianceForm.For(options.Covariance);
        _columns = new double[_n * _d];
        var rows = x.Span;
        for (var i = 0; i < _n; i++)
        {
            for (var j = 0; j < _d; j++)
            {
                _columns[j * _n + i] = rows[i * _d + j];
            }
        }
        _resp = new double[options.Components * _n];
        _rowLogProb = new double[_n];
    }

    /// <summary>n_init restarts (each on its own stream) from the configured initialisation; the best lower bound wins.</summary>
    public MixtureFit Fit(StreamKey stream, MixtureParameters? previous)
    {
        MixtureFit? best = null;
        for (var r = 0; r < _options.Restarts; r++)
        {
            var rng = stream.WithChunk(r).Open();
            var (start, emptied) = Initialize(rng, previous);
            var fit = Run(start);
            fit = fit with { EmptiedComponents = fit.EmptiedComponents + emptied };
            if (best is null || fit.LowerBound > best.LowerBound)
            {
                best = fit;
            }
        }
        return best!;
    }

    /// <summary>EM from the given parameters, as scikit-learn does with weights_init/means_init/precisions_init.</summary>
    public MixtureFit Run(MixtureParameters start)
    {
        var p = start.Copy();
        var emptied = 0;
        var (precision, singular) = Prepare(p);
        if (singular.Count > 0)
        {
            (p, precision, var degeneracy) = Repair(p, singular, ref emptied);
            if (degeneracy is not null)
            {
                return new MixtureFit(p, [], false, emptied, degeneracy);
            }
        }
        var bounds = new List<double>();
        var lower = double.NegativeInfinity;
        for (var iteration = 1; iteration <= _options.MaxIterations; iteration++)
        {
            var previousLower = lower;
            var (logLik, counts, sums) = EStep(p, precision);
            lower = logLik;
            bounds.Add(lower);
            p = MStep(p, counts, sums, ref emptied);
            (precision, singular) = Prepare(p);
            if (singular.Count > 0)
            {
                (p, precision, var degeneracy) = Repair(p, singular, ref emptied);
                if (degeneracy is not null)
                {
                    return new MixtureFit(p, bounds, false, emptied, degeneracy);
                }
            }
            if (Math.Abs(lower - previousLower) < _options.Tolerance)
            {
                return new MixtureFit(p, bounds, true, emptied, null);
            }
        }
        return new MixtureFit(p, bounds, false, emptied, null);
    }

    private (ComponentPrecision[] Precision, List<int> Singular) Prepare(MixtureParameters p)
    {
        var precision = p.Covariances.Select(c => _form.Prepare(c, _d)).ToArray();
        var singular = new List<int>();
        for (var k = 0; k < p.Components; k++)
        {
            if (precision[PrecisionIndex(p, k)].Singular)
            {
                singular.Add(k);
            }
        }
        return (precision, singular);
    }

    private static int PrecisionIndex(MixtureParameters p, int k) => p.Kind == CovarianceKind.Tied ? 0 : k;

    /// <summary>Handles singular components like empty ones; when none would be left, reports the degeneracy.</summary>
    private (MixtureParameters, ComponentPrecision[], string?) Repair(MixtureParameters p, List<int> singular, ref int emptied)
    {
        if (singular.Count == p.Components)
        {
            var (precision, _) = Prepare(p);
            return (p, precision, p.Components == 1
                ? "the covariance is singular; raise reg_covar"
                : "every component has a singular covariance; raise reg_covar or use fewer components");
        }
        emptied += singular.Count;
        var repaired = HandleEmpty(p, singular);
        var (again, stillSingular) = Prepare(repaired);
        if (stillSingular.Count > 0)
        {
            return (repaired, again, $"component {stillSingular[0] + 1} has a singular covariance; raise reg_covar or use fewer components");
        }
        return (repaired, again, null);
    }

    /// <summary>E step over all chunks: mean log-likelihood, then n_k and Σᵢ r_ik xᵢ for the M step.</summary>
    private (double LogLik, double[] Counts, double[] Sums) EStep(MixtureParameters p, ComponentPrecision[] precision)
    {
        var k = p.Components;
        EnsureResp(k);
        var logWeights = p.Weights.Select(w => Math.Log(w)).ToArray();
        var partialLogLik = new double[_chunks];
        var partialCounts = new double[_chunks][];
        var partialSums = new double[_chunks][];
        ForChunks(k, (c, scratch) =>
        {
            var block = Block(c);
            var rows = block.Rows;
            for (var j = 0; j < k; j++)
            {
                var lp = scratch.LogProb[j].AsSpan(0, rows);
                _form.LogGaussian(precision[PrecisionIndex(p, j)], p.Mean(j), block, lp, scratch);
                TensorPrimitives.Add(lp, logWeights[j], lp);
            }
            // Log-sum-exp over components, row by row: lse = m + ln Σ_j exp(lp_j − m).
            var max = scratch.Max.AsSpan(0, rows);
            scratch.LogProb[0].AsSpan(0, rows).CopyTo(max);
            for (var j = 1; j < k; j++)
            {
                TensorPrimitives.Max(max, scratch.LogProb[j].AsSpan(0, rows), max);
            }
            var sum = scratch.Sum.AsSpan(0, rows);
            sum.Clear();
            for (var j = 0; j < k; j++)
            {
                var r = Resp(j, block);
                TensorPrimitives.Subtract(scratch.LogProb[j].AsSpan(0, rows), max, r);
                EmKernels.Exp(r);
                TensorPrimitives.Add(sum, r, sum);
            }
            for (var j = 0; j < k; j++)
            {
                var r = Resp(j, block);
                TensorPrimitives.Divide(r, sum, r);
            }
            var lse = _rowLogProb.AsSpan(block.Start, rows);
            sum.CopyTo(lse);
            EmKernels.Log(lse);
            TensorPrimitives.Add(lse, max, lse);
            partialLogLik[c] = EmKernels.Sum(lse);
            (partialCounts[c], partialSums[c]) = FirstMoments(k, block, scratch);
        });
        var (counts, sums) = Combine(k, partialCounts, partialSums);
        var logLik = 0.0;
        foreach (var v in partialLogLik)
        {
            logLik += v;
        }
        return (logLik / _n, counts, sums);
    }

    private (double[] Counts, double[] Sums) FirstMoments(int k, in ColumnBlock block, EmScratch scratch)
    {
        var counts = new double[k];
        var sums = new double[k * _d];
        Mixture.FirstMoments.Accumulate(block, _d, _resp, k, counts, sums, scratch);
        return (counts, sums);
    }

    private (double[] Counts, double[] Sums) Combine(int k, double[][] partialCounts, double[][] partialSums)
    {
        var counts = new double[k];
        var sums = new double[k * _d];
        for (var c = 0; c < _chunks; c++)
        {
            TensorPrimitives.Add(counts, partialCounts[c], counts);
            TensorPrimitives.Add(sums, partialSums[c], sums);
        }
        return (counts, sums);
    }

    /// <summary>M step from n_k and Σᵢ r_ik xᵢ; the scatter is a second pass centred on the new means.</summary>
    private MixtureParameters MStep(MixtureParameters p, double[] counts, double[] sums, ref int emptied)
    {
        var k = p.Components;
        var means = new double[k * _d];
        var empty = new List<int>();
        for (var j = 0; j < k; j++)
        {
            counts[j] += 10 * MachineEpsilon;
            if (counts[j] < EmptyCount)
            {
                empty.Add(j);
                continue;
            }
            for (var a = 0; a < _d; a++)
            {
                means[j * _d + a] = sums[j * _d + a] / counts[j];
            }
        }
        if (empty.Count == k)
        {
            // Only possible with fewer samples than components: keep the heaviest so the model stays usable.
            var heaviest = Array.IndexOf(counts, counts.Max());
            empty.Remove(heaviest);
            for (var a = 0; a < _d; a++)
            {
                means[heaviest * _d + a] = sums[heaviest * _d + a] / counts[heaviest];
            }
        }
        var scatter = Scatter(k, means, empty);
        var covariances = _form.Estimate(scatter, counts, _options.RegCovar, _d);
        var total = 0.0;
        for (var j = 0; j < k; j++)
        {
            total += empty.Contains(j) ? 0 : counts[j];
        }
        var weights = counts.Select((c, j) => empty.Contains(j) ? 0 : c / total).ToArray();
        var next = new MixtureParameters(p.Kind, _d, weights, means, covariances);
        if (empty.Count == 0)
        {
            return next;
        }
        emptied += empty.Count;
        return HandleEmpty(next, empty);
    }

    /// <summary>S_k = Σᵢ r_ik (xᵢ−μ_k)(xᵢ−μ_k)ᵀ, lower triangle (or diagonal), null for empty components.</summary>
    private double[]?[] Scatter(int k, double[] means, List<int> empty)
    {
        var width = _form.DiagonalScatter ? _d : _d * _d;
        var partial = new double[_chunks][];
        ForChunks(k, (c, scratch) =>
        {
            var block = Block(c);
            var acc = new double[k * width];
            for (var j = 0; j < k; j++)
            {
                if (!empty.Contains(j))
                {
                    WeightedScatter.Accumulate(block, Resp(j, block), means.AsSpan(j * _d, _d), _form.DiagonalScatter, acc.AsSpan(j * width, width), scratch);
                }
            }
            partial[c] = acc;
        });
        var total = new double[k * width];
        foreach (var acc in partial)
        {
            TensorPrimitives.Add(total, acc, total);
        }
        return Enumerable.Range(0, k).Select(j => empty.Contains(j) ? null : total.AsSpan(j * width, width).ToArray()).ToArray();
    }

    /// <summary>
    /// Drops the given components, or re-seeds each at the row the mixture explains worst (lowest ln p(x)) with the
    /// mean covariance of the others and weight 1/n.
    /// </summary>
    private MixtureParameters HandleEmpty(MixtureParameters p, List<int> bad)
    {
        if (_options.OnEmpty == EmptyComponentAction.Drop || bad.Count == p.Components)
        {
            return p.Without(bad);
        }
        var weights = (double[])p.Weights.Clone();
        var means = (double[])p.Means.Clone();
        var covariances = p.Covariances.Select(c => (double[])c.Clone()).ToArray();
        var good = Enumerable.Range(0, p.Components).Where(k => !bad.Contains(k)).ToArray();
        var used = new HashSet<int>();
        foreach (var k in bad)
        {
            var row = WorstRow(used);
            used.Add(row);
            _x.Row(row).CopyTo(means.AsSpan(k * _d, _d));
            weights[k] = 1.0 / _n;
            if (p.Kind != CovarianceKind.Tied)
            {
                var average = new double[covariances[good[0]].Length];
                foreach (var g in good)
                {
                    TensorPrimitives.Add(average, covariances[g], average);
                }
                TensorPrimitives.Divide(average, good.Length, average);
                covariances[k] = average;
            }
        }
        var total = weights.Sum();
        TensorPrimitives.Divide(weights, total, weights);
        return new MixtureParameters(p.Kind, _d, weights, means, covariances);
    }

    private int WorstRow(HashSet<int> used)
    {
        var best = -1;
        for (var i = 0; i < _n; i++)
        {
            if (!used.Contains(i) && (best < 0 || _rowLogProb[i] < _rowLogProb[best]))
            {
                best = i;
            }
        }
        return Math.Max(best, 0);
    }

    private (MixtureParameters Start, int Emptied) Initialize(RandomStream rng, MixtureParameters? previous)
    {
        if (_options.Init == MixtureInit.Warm && previous is not null)
        {
            return (previous.Copy(), 0);
        }
        var k = _options.Components;
        EnsureResp(k);
        if (_options.Init == MixtureInit.Random)
        {
            // scikit-learn's 'random': uniform responsibilities, normalised per row.
            var raw = new double[k];
            for (var i = 0; i < _n; i++)
            {
                var s = 0.0;
                for (var j = 0; j < k; j++)
                {
                    raw[j] = rng.NextDouble();
                    s += raw[j];
                }
                for (var j = 0; j < k; j++)
                {
                    _resp[j * _n + i] = raw[j] / s;
                }
            }
            Array.Clear(_rowLogProb);
        }
        else
        {
            SetHard(KMeans.Cluster(_x, k, rng, LloydIterations, _rowLogProb));
        }
        var (counts, sums) = ResponsibilityMoments(k);
        var emptied = 0;
        return (MStep(Blank(k), counts, sums, ref emptied), emptied);
    }

    /// <summary>Hard responsibilities: row i belongs wholly to component labels[i].</summary>
    private void SetHard(int[] labels)
    {
        Array.Clear(_resp);
        for (var i = 0; i < _n; i++)
        {
            _resp[labels[i] * _n + i] = 1;
        }
    }

    /// <summary>Each component's responsibility total and weighted row sum, chunk by chunk and combined in order.</summary>
    private (double[] Counts, double[] Sums) ResponsibilityMoments(int k)
    {
        var partialCounts = new double[_chunks][];
        var partialSums = new double[_chunks][];
        ForChunks(k, (c, scratch) => (partialCounts[c], partialSums[c]) = FirstMoments(k, Block(c), scratch));
        return Combine(k, partialCounts, partialSums);
    }

    /// <summary>k zeroed components of the configured covariance kind, for an M step from first moments.</summary>
    private MixtureParameters Blank(int k) => new(_options.Covariance, _d, new double[k], new double[k * _d],
        Enumerable.Range(0, _options.Covariance == CovarianceKind.Tied ? 1 : k)
            .Select(_ => new double[MixtureParameters.CovarianceLength(_options.Covariance, _d)]).ToArray());

    /// <summary>
    /// The class-conditional maximum-likelihood fit: component c is fitted on the rows labelled c (one M step from
    /// hard responsibilities), its weight is their share. A class without rows gets no component; the second value
    /// says which class each remaining component is.
    /// </summary>
    public (MixtureParameters Parameters, int[] ClassOf) FitLabelled(int[] labels)
    {
        var k = _options.Components;
        EnsureResp(k);
        SetHard(labels);
        var (counts, sums) = ResponsibilityMoments(k);
        var present = Enumerable.Range(0, k).Where(c => counts[c] + 10 * MachineEpsilon >= EmptyCount).ToArray();
        var emptied = 0;
        return (MStep(Blank(k), counts, sums, ref emptied), present);
    }

    private void EnsureResp(int k)
    {
        if (_resp.Length < k * _n)
        {
            _resp = new double[k * _n];
        }
    }

    private ColumnBlock Block(int c)
    {
        var start = c * ChunkRows;
        return new ColumnBlock(_columns, _n, start, Math.Min(ChunkRows, _n - start));
    }

    private Span<double> Resp(int k, in ColumnBlock block) => _resp.AsSpan(k * _n + block.Start, block.Rows);

    private void ForChunks(int k, Action<int, EmScratch> body)
    {
        var rows = Math.Min(ChunkRows, _n);
        if (_threads <= 1 || _chunks <= 1)
        {
            var scratch = new EmScratch(_d, k, rows);
            for (var c = 0; c < _chunks; c++)
            {
                body(c, scratch);
            }
            return;
        }
        Parallel.For(0, _chunks, new ParallelOptions { MaxDegreeOfParallelism = _threads },
            () => new EmScratch(_d, k, rows),
            (c, _, scratch) =>
            {
                body(c, scratch);
                return scratch;
            },
            _ => { });
    }
}

/// <summary>The result of one EM run: final parameters and the lower bound (mean log-likelihood) of each iteration.</summary>
public sealed record MixtureFit(MixtureParameters Parameters, IReadOnlyList<double> LowerBounds, bool Converged, int EmptiedComponents, string? Degeneracy)
{
    public int Iterations => LowerBounds.Count;

    public double LowerBound => LowerBounds.Count == 0 ? double.NegativeInfinity : LowerBounds[^1];
}
