using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// Self-correction toward the truth with strength t ∈ [0, 1] (Gillman et al. 2024, given as t or as γ with
/// t = γ/(1+γ)), for data whose exact truth is known. Two corrections:
/// <list type="bullet">
/// <item><c>match</c>: draw n fresh rows y from the truth, find the assignment π minimising Σ‖xᵢ − y_π(i)‖²
/// (the Hungarian method of <see cref="Assignment"/>, O(n³), so n is capped), and move each xᵢ ← xᵢ + t·(y_π(i) − xᵢ).</item>
/// <item><c>mixture</c>: rejection thinning: keep each xᵢ with probability 1 − t, and fill each rejected slot with a
/// fresh truth draw, so the batch is an exact draw from (1 − t)·p̂ + t·p* where p̂ is the samples' empirical law.</item>
/// </list>
/// At t = 0 the batch passes through untouched, so the loop is bit-identical to an uncorrected one.
/// </summary>
public sealed class CorrectStep(double strength, bool match) : CurationStep
{
    /// <summary>The largest batch the O(n³) matching accepts: about a second of work.</summary>
    public const int MatchCap = 1000;

    public override string Name => "correct";

    public double Strength { get; } = strength;

    public override string Describe() => FormattableString.Invariant($"correct ({(match ? "match" : "mixture")}, t={Strength:0.###})");

    public static CurationStep Read(SpecReader step)
    {
        if (step.Has("gamma") && step.Has("strength"))
        {
            throw step.Error("gamma", "give either strength (t) or gamma (t = γ/(1+γ)), not both.");
        }
        var strength = step.Has("gamma")
            ? Gamma(step.Double("gamma", null, min: 0))
            : step.Double("strength", null, min: 0, max: 1);
        var method = step.Choice("method", "match", ["match", "mixture"]);
        return new CorrectStep(strength, method == "match");
    }

    /// <summary>t = γ/(1+γ): γ is the weight of the truth against the sample (Gillman et al.'s parametrisation).</summary>
    public static double Gamma(double gamma) => double.IsPositiveInfinity(gamma) ? 1 : gamma / (1 + gamma);

    public override string? Unsupported(ExperimentData data, int samples) => data switch
    {
        not IKnownTruth => $"needs the data's exact truth to correct toward; this data ({data.Describe()}) has none. Use a synthetic source (gaussian, mixture, blobs, moons, …), or drop the step.",
        _ when match && samples > MatchCap => $"with method: match solves an O(n³) assignment, capped at n = {MatchCap:N0} samples per batch; samples_per_generation is {samples:N0}. Lower it or use method: mixture.",
        _ => null,
    };

    public override CurationOutcome Apply(CurationInput input)
    {
        if (Strength == 0)
        {
            return new CurationOutcome(input.Samples);
        }
        var x = (RowBatch)input.Samples;
        var (n, d) = (x.Count, x.Dim);
        var truth = ((IKnownTruth)input.Data).DrawTruth(n, input.Stream.Named("target"));
        var values = (double[])x.Values.Clone();
        // A moved sample keeps its class; a replaced one takes the class of the truth draw that replaces it.
        var labels = (int[]?)x.Labels?.Clone();
        var changed = 0;
        if (match)
        {
            var pairs = Assignment.Solve(SquaredDistances(x, truth), n, n);
            for (var i = 0; i < n; i++)
            {
                var row = values.AsSpan(i * d, d);
                var target = truth.Row(pairs[i]);
                for (var c = 0; c < d; c++)
                {
                    row[c] += Strength * (target[c] - row[c]);
                }
            }
            changed = n;
        }
        else
        {
            var coin = input.Stream.Named("accept").Open();
            for (var i = 0; i < n; i++)
            {
                if (coin.NextDouble() < Strength)
                {
                    truth.Row(i).CopyTo(values.AsSpan(i * d, d));
                    if (labels is not null && truth.Labels is { } truthLabels)
                    {
                        labels[i] = truthLabels[i];
                    }
                    changed++;
                }
            }
        }
        return new CurationOutcome(new RowBatch(values, d, labels), changed);
    }

    /// <summary>cost[i·n + j] = ‖xᵢ − yⱼ‖².</summary>
    private static double[] SquaredDistances(RowBatch x, RowBatch y)
    {
        var n = x.Count;
        var cost = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            var a = x.Row(i);
            for (var j = 0; j < n; j++)
            {
                var b = y.Row(j);
                var sum = 0.0;
                for (var c = 0; c < a.Length; c++)
                {
                    var diff = a[c] - b[c];
                    sum += diff * diff;
                }
                cost[i * n + j] = sum;
            }
        }
        return cost;
    }
}
