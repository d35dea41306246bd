using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Curation;

public class DedupTests
{
    /// <summary>Categorical samples over a 4-token vocabulary in blocks of 2: many exact repeats every generation.</summary>
    private const string Spec = """
        seed: 2
        generations: 5
        replicates: 3
        data: { source: zipf, vocab: 4, order: 1, block: 2, train: 40, test: 20 }
        model: categorical
        curation: [dedup]
        metrics: [gini_impurity]
        """;

    [Fact]
    public void Dedup_keeps_the_first_of_each_distinct_item_in_order()
    {
        var batch = new RowBatch([1, 2, 3, 4, 1, 2, 5, 6, 3, 4, 1, 2], 2);
        var kept = (RowBatch)new DedupStep().Apply(new CurationInput(1, batch, null!, null!, default, 1)).Kept;
        Assert.Equal([1.0, 2, 3, 4, 5, 6], kept.Values);
    }

    [Fact]
    public void The_stage_records_what_each_generation_saw_and_kept_and_trains_on_survivors()
    {
        var spec = TestSpecs.Load(Spec);
        var results = TestSpecs.Run(spec, threads: 2);
        foreach (var result in results)
        {
            Assert.Equal(spec.Generations + 1, result.Curation.Count);
            foreach (var record in result.Curation)
            {
                Assert.Equal(40, record.Seen);
                Assert.InRange(record.Kept, 1, 16);
                Assert.Equal(0, record.Changed);
            }
            // Generation g ≥ 1 trains on generation g − 1's survivors only (replace): the ledger counts them, all of origin g − 1.
            for (var g = 1; g <= spec.Generations; g++)
            {
                var composition = result.Compositions[g]!;
                Assert.Equal(0, composition.Real);
                var origin = Assert.Single(composition.Synthetic);
                Assert.Equal(g - 1, origin.Generation);
                Assert.Equal(result.Curation[g - 1].Kept, origin.Count);
            }
        }
    }

    [Fact]
    public void Kept_counts_match_an_independent_count_of_distinct_sequences()
    {
        var spec = TestSpecs.Load(Spec);
        var arm = spec.Arms[0];
        var pool = arm.Data.Pool(spec.Seed, 0);
        var model = arm.Family.Fit(pool, new FitContext(0, new StreamKey(spec.Seed, 0, 0, Purpose.Fit), 1, null, null, pool) { RealData = arm.Data });
        var samples = (TokenBatch)model.Sample(40, new StreamKey(spec.Seed, 0, 0, Purpose.Sample), 1);
        var distinct = Enumerable.Range(0, samples.Count).Select(i => string.Join(' ', samples.Sequence(i).ToArray())).Distinct().Count();
        var pass = arm.Curation.Apply(0, samples, model, arm.Data, new StreamKey(spec.Seed, 0, 0, Purpose.Curation), 1);
        Assert.Equal(distinct, pass.Survivors.Count);
        Assert.True(distinct < 40, "the setting should produce repeats");
    }

    [Fact]
    public void Gaussian_samples_have_no_exact_duplicates_so_dedup_keeps_all()
    {
        var spec = TestSpecs.Load("""
            generations: 3
            data: { source: gaussian, dim: 2, train: 30, test: 50 }
            model: gaussian
            curation: [{ step: dedup }]
            """);
        var result = TestSpecs.Run(spec, threads: 1)[0];
        Assert.All(result.Curation, r => Assert.Equal(r.Seen, r.Kept));
    }

    [Theory]
    [InlineData("curation: [dedupe]", "'curation[0].step'", "Did you mean 'dedup'")]
    [InlineData("curation: [{ step: dedup, window: 3 }]", "'curation[0].window'", "unknown key")]
    [InlineData("curation: dedup", "'curation'", "expected a list of steps")]
    public void A_bad_curation_list_is_a_located_error(string line, string where, string what)
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load($"""
            generations: 2
            data: {"{"} source: gaussian, train: 10, test: 10 {"}"}
            model: gaussian
            {line}
            """));
        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
        Assert.Contains("test.yaml:4", error.Message, StringComparison.Ordinal);
    }
}
