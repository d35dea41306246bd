using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// Aithal et al.'s hallucination filter: keeps the <c>keep</c> share of a generation's samples whose predicted
/// clean sample x̂₀ varies least over the model's last k reverse steps (<see cref="ITrajectoryVariance"/>; k is
/// <c>steps</c>, else the model's <c>trajectory_steps</c>, at most its sampler's step count). With
/// <c>select: random</c> it keeps the same share uniformly at random instead: the control arm, which asks nothing
/// of the model. Survivors keep their sample order; ties in variance go to the earlier sample.
/// </summary>
public sealed class TrajectoryVarianceStep(double keep, int? steps, bool random) : CurationStep
{
    public static readonly string[] Selections = ["lowest", "random"];

    public override string Name => "trajectory-variance";

    public override IReadOnlyList<Capability> Requires => random ? [] : [Capabilities.TrajectoryVariance];

    public override string Describe() =>
        $"trajectory-variance (keep {keep:P0}, {(random ? "random control" : $"lowest x̂₀ variance over {(steps is { } k ? $"the last {k}" : "the model's last k")} steps")})";

    public static CurationStep Read(SpecReader step)
    {
        var keep = step.Double("keep", null, min: 0, max: 1, exclusiveMin: true);
        var k = step.OptionalInt("steps", min: 1);
        var random = step.Choice("select", "lowest", Selections) == "random";
        if (random && k is not null)
        {
            throw step.Error("steps", "the random control keeps samples without looking at their trajectories; drop steps or use select: lowest.");
        }

        return new TrajectoryVarianceStep(keep, k, random);
    }

    public override CurationOutcome Apply(CurationInput input)
    {
        var samples = input.Samples;
        var n = samples.Count;
        var m = Math.Clamp((int)Math.Round(keep * n), 1, n);
        if (m == n)
        {
            return new CurationOutcome(samples);
        }

        int[] kept;
        if (random)
        {
            kept = input.Stream.Named("random").Open().Choose(n, m);
        }
        else
        {
            var model = (ITrajectoryVariance)input.Model;
            var k = Math.Min(steps ?? model.DefaultTrajectorySteps, model.SamplerSteps);
            var scores = model.TrajectoryVariance(samples, k, input.Stream, input.Threads);
            kept = Enumerable.Range(0, n).OrderBy(i => scores[i]).ThenBy(i => i).Take(m).ToArray();
        }

        Array.Sort(kept);
        return CurationOutcome.Keep(samples, kept);
    }
}
