using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Curation;

/// <summary>The stage's top-up and its acceptance guard, on categorical texts of 2 tokens over a 4-token vocabulary.</summary>
public class TopUpTests
{
    private static string Spec(string curation) => $"""
        seed: 2
        generations: 3
        replicates: 2
        data: {"{"} source: zipf, vocab: 4, order: 1, block: 2, train: 100, test: 20 {"}"}
        model: categorical
        curation: {curation}
        metrics: [gini_impurity]
        """;

    [Fact]
    public void Top_up_resamples_until_the_requested_count_survives()
    {
        // A format that keeps texts starting with w1, the most frequent token: about half the samples, so 8 draws are plenty.
        var spec = TestSpecs.Load(Spec("{ steps: [{ step: format, pattern: \"^w1 \" }], top_up: { max_draws: 8 } }"));
        foreach (var result in TestSpecs.Run(spec))
        {
            Assert.Null(result.Degenerate);
            // The last round's surplus is dropped, and the record says so: kept is the survivor count, 100.
            Assert.All(result.Curation, c => Assert.True(c.Seen > 100 && c.Seen % 100 == 0 && c.Kept == 100, $"{c}"));
            for (var g = 1; g <= spec.Generations; g++)
            {
                Assert.Equal(100, result.Compositions[g]!.Synthetic.Single().Count);
            }
        }
    }

    [Fact]
    public void Without_top_up_the_survivors_are_fewer()
    {
        var spec = TestSpecs.Load(Spec("[{ step: format, pattern: \"^w1 \" }]"));
        var result = TestSpecs.Run(spec)[0];
        Assert.All(result.Curation, c => Assert.Equal(100, c.Seen));
        Assert.Equal(result.Curation[0].Kept, result.Compositions[1]!.Synthetic.Single().Count);
    }

    [Fact]
    public void A_curation_that_keeps_under_one_percent_stops_topping_up_and_says_where()
    {
        // A pattern no text of this vocabulary can match: every draw keeps nothing, and a cap of 1000 draws is never reached.
        var spec = TestSpecs.Load(Spec("{ steps: [{ step: format, pattern: \"^9\" }], top_up: { max_draws: 1000 } }"));
        var result = TestSpecs.Run(spec)[0];
        Assert.All(result.Curation, c => Assert.Equal((100, 0), (c.Seen, c.Kept)));
        var (generation, reason) = result.Degenerate!.Value;
        Assert.Equal(0, generation);
        Assert.Contains("'format' kept none of generation 0's 100 samples", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_up_rounds_draw_fresh_batches_and_stop_at_the_cap_or_the_guard()
    {
        var rounds = new List<int>();
        var first = new RowBatch(Enumerable.Range(0, 200).Select(i => (double)i).ToArray(), 1);
        DataBatch Draw(int round)
        {
            rounds.Add(round);
            return new RowBatch(Enumerable.Range(0, 200).Select(i => 1000.0 * round + i).ToArray(), 1);
        }
        // Keeps 1 in 100 (values ending in 00 … 99 → only multiples of 100): exactly 1%, above the guard's "under 1%".
        var keepHundredths = new CurationStage([new KeepStep(v => v % 100 == 0)], maxDraws: 5);
        var pass = keepHundredths.Apply(0, first, Draw, null!, null!, default, 1);
        Assert.Equal([1, 2, 3, 4], rounds);
        Assert.Equal((1000, 10), (pass.Records[0].Seen, pass.Records[0].Kept));
        Assert.Null(pass.Shortfall);
        rounds.Clear();
        // Keeping 1 in 200 is under 1%: the stage stops after the first draw and says why.
        var guarded = new CurationStage([new KeepStep(v => v % 1000 == 0)], maxDraws: 5).Apply(3, first, Draw, null!, null!, default, 1);
        Assert.Empty(rounds);
        Assert.Equal(1, guarded.Survivors.Count);
        Assert.Contains("kept 1 of generation 3's 200 samples (under 1%)", guarded.Shortfall, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_top_up_records_as_kept_only_the_survivors_used()
    {
        // Two steps: keep even values, then values below 150 of each 200 (so 75 of a 200-row draw survive both).
        // Three draws give 225 survivors for a target of 200; the surplus 25 of the last draw are dropped.
        var first = new RowBatch(Enumerable.Range(0, 200).Select(i => (double)i).ToArray(), 1);
        DataBatch Draw(int round) => new RowBatch(Enumerable.Range(0, 200).Select(i => 1000.0 * round + i).ToArray(), 1);
        var stage = new CurationStage([new KeepStep(v => v % 2 == 0), new KeepStep(v => v % 1000 < 150)], maxDraws: 8);
        var pass = stage.Apply(0, first, Draw, null!, null!, default, 1);
        Assert.Equal(200, pass.Survivors.Count);
        Assert.Equal((600, 300), (pass.Records[0].Seen, pass.Records[0].Kept));
        Assert.Equal((300, 200), (pass.Records[1].Seen, pass.Records[1].Kept));
        Assert.Equal(pass.Survivors.Count, pass.Records[^1].Kept);
    }

    [Fact]
    public void An_invalid_format_pattern_is_a_located_error()
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load(Spec("[{ step: format, pattern: \"a(\" }]")));
        Assert.Contains("'curation[0].pattern'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid regular expression", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_top_up_is_a_located_error()
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load(Spec("{ steps: [dedup], top_up: { max_draws: 0 } }")));
        Assert.Contains("'curation.top_up.max_draws'", error.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<SpecException>(() => TestSpecs.Load(Spec("{ top_up: { max_draws: 2 } }")));
        Assert.Contains("'curation.steps'", missing.Message, StringComparison.Ordinal);
    }

    private sealed class KeepStep(Func<double, bool> keep) : CurationStep
    {
        public override string Name => "keep";

        public override string Describe() => "keep";

        public override CurationOutcome Apply(CurationInput input)
        {
            var x = (RowBatch)input.Samples;
            var kept = Enumerable.Range(0, x.Count).Where(i => keep(x.Row(i)[0])).ToArray();
            return new CurationOutcome(x.Compose([new BatchPart(x, kept)]));
        }
    }
}
