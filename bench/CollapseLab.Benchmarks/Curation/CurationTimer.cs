using System.Diagnostics;
using System.Globalization;
using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Data.Text;
using CollapseLab.Families.Gaussian;
using CollapseLab.Random;

namespace CollapseLab.Benchmarks.Curation;

/// <summary>
/// `-- curation [rounds]`: wall time of the curation steps on the sizes (near-dedup of 10⁶ 2-D rows and of
/// 100,000 64-token texts, 2 threads) and the O(n³) matching at growing n; median and minimum of the rounds.
/// </summary>
public static class CurationTimer
{
    public static void Run(int rounds)
    {
        var real = new GaussianData(new GaussianModel([0.0, 0.0], [1.0, 0, 0, 1.0]), 100, 10_000, 1);
        var rows = real.DrawTruth(1_000_000, new StreamKey(1, 0, 1, Purpose.Sample));
        var texts = Texts(100_000, 64);
        var stream = new StreamKey(1, 0, 1, Purpose.Curation).Named("dedup");
        var cases = new List<(string Name, Func<int> Work)>
        {
            ("dedup near: 0.01, 10⁶ rows × 2", () => new NearRowDedup(0.01).Apply(new CurationInput(1, rows, null!, real, stream, 2)).Kept.Count),
            ("dedup near: 0.001, 10⁶ rows × 2", () => new NearRowDedup(0.001).Apply(new CurationInput(1, rows, null!, real, stream, 2)).Kept.Count),
            ("dedup jaccard: 0.8, 100,000 texts × 64 tokens, 2 threads", () => new MinHashDedup(0.8, 3).Apply(new CurationInput(1, texts, null!, null!, stream, 2)).Kept.Count),
            ("dedup exact, 10⁶ rows × 2", () => new DedupStep().Apply(new CurationInput(1, rows, null!, real, stream, 2)).Kept.Count),
            ("reward luce k=16, 10⁶ rows × 2", () => new RewardStep(new DistanceReward([2], [0]), true, 16, 1, 1).Apply(new CurationInput(1, rows, null!, real, stream, 2)).Kept.Count),
        };
        foreach (var n in new[] { 250, 500, 1000 })
        {
            var x = real.DrawTruth(n, new StreamKey(2, 0, 1, Purpose.Sample));
            cases.Add(($"correct match, n = {n}", () => new CorrectStep(0.5, match: true).Apply(new CurationInput(1, x, null!, real, stream, 1)).Changed));
        }
        Console.WriteLine($"{rounds} rounds; {Environment.ProcessorCount} cores");
        foreach (var (name, work) in cases)
        {
            var times = new List<double>();
            var kept = 0;
            for (var r = 0; r < rounds; r++)
            {
                var clock = Stopwatch.StartNew();
                kept = work();
                times.Add(clock.Elapsed.TotalSeconds);
            }
            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: median {times[times.Count / 2]:0.000} s, min {times[0]:0.000} s (result {kept:N0})"));
        }
    }

    /// <summary>Random texts over 5,000 types in which every fourth is a copy of an earlier one with one token changed (3-gram Jaccard ≥ 59/65).</summary>
    private static TokenBatch Texts(int count, int length)
    {
        var rng = new StreamKey(3, 0, 1, Purpose.Sample).Open();
        var tokens = new int[count * length];
        for (var i = 0; i < count; i++)
        {
            var row = tokens.AsSpan(i * length, length);
            if (i % 4 == 3)
            {
                tokens.AsSpan(rng.NextInt(i) * length, length).CopyTo(row);
                row[rng.NextInt(length)] = 1 + rng.NextInt(5000);
            }
            else
            {
                for (var t = 0; t < length; t++)
                {
                    row[t] = 1 + rng.NextInt(5000);
                }
            }
        }
        return TokenBatch.Blocks(tokens, length, null);
    }
}
