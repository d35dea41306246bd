using CollapseLab.Data;
using CollapseLab.Extending;
using CollapseLab.Metrics;

namespace CollapseLab.Tests.Running;

/// <summary>Each metric draws from a stream named after it, so the list of metrics around it never changes its values.</summary>
public class MetricStreamTests
{
    private const string Spec = """
        seed: 5
        generations: 4
        replicates: 3
        data: { source: moons, train: 60, test: 300 }
        model: { family: kde }
        """;

    private static readonly string[] Metrics = ["tail_mass", "sliced_w1", "mmd", "precision", "recall", "test_nll", "trace_ratio"];

    private static Dictionary<string, double[]> Values(Catalog catalog, IEnumerable<string> metrics)
    {
        var spec = TestSpecs.Load(catalog, Spec + $"\nmetrics: [{string.Join(", ", metrics)}]\n");
        var results = TestSpecs.Run(spec, threads: 2);
        return spec.Metrics.Select((m, k) => (m.Name, Values: results.SelectMany(r => Enumerable.Range(0, spec.Generations + 1).Select(g => r.Value(g, k))).ToArray()))
            .ToDictionary(p => p.Name, p => p.Values);
    }

    [Fact]
    public void Reversing_or_extending_the_metric_list_changes_no_value()
    {
        var forward = Values(Catalog.BuiltIn, Metrics);
        var reversed = Values(Catalog.BuiltIn, Metrics.Reverse());
        var fewer = Values(Catalog.BuiltIn, ["recall", "tail_mass"]);
        foreach (var name in Metrics)
        {
            Assert.Equal(forward[name], reversed[name]);
        }
        Assert.Equal(forward["tail_mass"], fewer["tail_mass"]);
        Assert.Equal(forward["recall"], fewer["recall"]);
    }

    [Fact]
    public void Two_monte_carlo_metrics_of_one_generation_draw_different_numbers()
    {
        var catalog = Catalog.BuiltIn.WithMetric(new FirstDrawMetric("first_draw_a")).WithMetric(new FirstDrawMetric("first_draw_b"));
        var values = Values(catalog, ["first_draw_a", "first_draw_b"]);
        Assert.Equal(15, values["first_draw_a"].Length);
        Assert.Equal(15, values["first_draw_a"].Distinct().Count());
        for (var i = 0; i < values["first_draw_a"].Length; i++)
        {
            Assert.NotEqual(values["first_draw_a"][i], values["first_draw_b"][i]);
        }
    }

    /// <summary>The first number of the metric's stream, after chunking it as the samplers do.</summary>
    private sealed class FirstDrawMetric(string name) : Metric
    {
        public override string Name => name;

        public override string Description => "the first uniform draw of this metric's stream (test only)";

        public override double Compute(MetricContext context) => context.Stream.WithChunk(0).Open().NextDouble();
    }
}
