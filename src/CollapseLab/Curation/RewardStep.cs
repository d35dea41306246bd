using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// Curation by a reward r(x) (Ferbach et al. 2024). Rule <c>luce</c>: the samples are taken K at a time in order and
/// one of each K is kept, chosen with probability ∝ e^{r/τ} (a Bradley–Terry/Luce choice), so n samples give ⌊n/K⌋;
/// as K grows the kept law tends to p(x)·e^{r(x)/τ}/Z. Rule <c>top</c>: keep the ⌈f·n⌉ samples of highest reward
/// (ties to the earlier sample). Survivors keep their order. O(n) for luce, O(n log n) for top.
/// </summary>
public sealed class RewardStep(Reward reward, bool luce, int k, double temperature, double fraction) : CurationStep
{
    public override string Name => "reward";

    public Reward Reward { get; } = reward;

    public override string Describe() => luce
        ? FormattableString.Invariant($"reward (Luce choice of 1 in {k}, τ={temperature:G3}, r = {Reward.Describe()})")
        : FormattableString.Invariant($"reward (top {fraction:P0}, r = {Reward.Describe()})");

    public static CurationStep Read(SpecReader step)
    {
        var reward = step.Node("reward") switch
        {
            SpecScalar kind => SpecReader.Read(new SpecMap([new SpecEntry("kind", kind, kind.Where)], kind.Where), step.KeyPath("reward"), Reward.Read),
            SpecMap map => SpecReader.Read(map, step.KeyPath("reward"), Reward.Read),
            null => throw step.Error("reward", $"a reward step needs reward: {{ kind: … }}, one of: {string.Join(", ", Reward.Kinds)}."),
            _ => throw step.Error("reward", "expected a reward name or a mapping, e.g. reward: { kind: distance, target: [2, 0] }."),
        };
        var rule = step.Choice("rule", "luce", ["luce", "top"]);
        return rule == "luce"
            ? new RewardStep(reward, true, step.Int("k", 4, min: 1, max: 1_000_000), step.Double("temperature", 1.0, min: 0, exclusiveMin: true), 1)
            : new RewardStep(reward, false, 1, 1, step.Double("fraction", 0.5, min: 0, max: 1, exclusiveMin: true));
    }

    public override string? Unsupported(ExperimentData data, int samples) =>
        Reward.Unsupported(data) ?? (luce && k > samples ? $"chooses 1 in k = {k} but a batch has only {samples} samples; lower k or raise samples_per_generation." : null);

    public override CurationOutcome Apply(CurationInput input)
    {
        var samples = input.Samples;
        var r = new double[samples.Count];
        Reward.Score(samples, input.Data, r);
        var keep = luce ? Choose(r, input.Stream) : Top(r);
        return CurationOutcome.Keep(samples, keep);
    }

    private int[] Choose(double[] r, Random.StreamKey stream)
    {
        var rng = stream.Open();
        var keep = new int[r.Length / k];
        var weights = new double[k];
        for (var group = 0; group < keep.Length; group++)
        {
            var start = group * k;
            var max = double.NegativeInfinity;
            for (var j = 0; j < k; j++)
            {
                max = Math.Max(max, r[start + j]);
            }
            var total = 0.0;
            for (var j = 0; j < k; j++)
            {
                // Shifted by the group's best, so e^{r/τ} never overflows; −∞ rewards get weight 0.
                weights[j] = double.IsNegativeInfinity(max) ? 1 : Math.Exp((r[start + j] - max) / temperature);
                total += weights[j];
            }
            var u = rng.NextDouble() * total;
            var pick = k - 1;
            for (var j = 0; j < k - 1; j++)
            {
                u -= weights[j];
                if (u < 0)
                {
                    pick = j;
                    break;
                }
            }
            keep[group] = start + pick;
        }
        return keep;
    }

    private int[] Top(double[] r)
    {
        var count = (int)Math.Ceiling(fraction * r.Length);
        var order = Enumerable.Range(0, r.Length).OrderByDescending(i => r[i]).ThenBy(i => i).Take(count).ToArray();
        Array.Sort(order);
        return order;
    }
}
