using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Random;
using CollapseLab.Running;
using CollapseLab.Specs;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Curation;

/// <summary>
/// Labelled rows, class-conditional mixtures and the labelled verifier (Feng et al. 2024), on two classes
/// x | c ~ N(±m·e₁, I) in 2-D with m = 1.5.
/// </summary>
public class LabelVerifyTests
{
    private static string Spec(string arms, int samples = 2000, double noise = 0.7) => FormattableString.Invariant($$"""
        seed: 5
        generations: 1
        replicates: 20
        data: { source: mixture, labels: true, weights: [0.5, 0.5], means: [[1.5, 0], [-1.5, 0]], std: 1, train: 200, test: 4000 }
        model: { family: gmm, components: 2, covariance: tied, labels: true, label_noise: {{noise}} }
        samples_per_generation: {{samples}}
        arms: {{arms}}
        metrics: [test_accuracy]
        """);

    private static ExperimentData Data() => TestSpecs.Load(Spec("[{ name: a }]")).Arms[0].Data;

    [Fact]
    public void Labels_travel_through_compose_and_checkpoints()
    {
        var a = new RowBatch([1, 2, 3, 4, 5, 6], 2, [0, 1, 1]);
        var b = new RowBatch([7, 8], 2, [2]);
        var composed = (RowBatch)a.Compose([new BatchPart(a, [2, 0]), new BatchPart(b, null)]);
        Assert.Equal([5.0, 6, 1, 2, 7, 8], composed.Values);
        Assert.Equal([1, 0, 2], composed.Labels!);
        Assert.Null(((RowBatch)a.Compose([new BatchPart(a, null), new BatchPart(new RowBatch([0, 0], 2), null)])).Labels);
        foreach (var batch in new[] { composed, new RowBatch([1, 2], 2) })
        {
            using var stream = new MemoryStream();
            batch.Save(new BinaryWriter(stream));
            stream.Position = 0;
            var read = (RowBatch)DataBatch.Read(new BinaryReader(stream));
            Assert.Equal(batch.Values, read.Values);
            Assert.Equal(batch.Labels, read.Labels);
        }
    }

    [Fact]
    public void A_class_conditional_mixture_recovers_the_classes_and_mislabels_a_share_p()
    {
        var data = Data();
        var truth = (IClassConditional)((IKnownTruth)data).TruthDensity!;
        const int n = 20_000;
        var rows = truth.SampleLabelled(n, new StreamKey(1, 0, 0, Purpose.Sample), 1);
        var family = (CollapseLab.Families.Mixture.MixtureFamily)TestSpecs.Load(Spec("[{ name: a }]", noise: 0.3)).Arms[0].Family;
        var model = (CollapseLab.Families.Mixture.MixtureModel)family.Fit(rows, new FitContext(0, new StreamKey(1, 0, 0, Purpose.Fit), 1, null, null, rows));
        // Each class mean from ~n/2 rows of unit variance: SE √(2/n) per coordinate.
        var se = Math.Sqrt(2.0 / n);
        for (var c = 0; c < 2; c++)
        {
            var k = Array.IndexOf(model.ClassOf!, c);
            Assert.InRange(model.Components.Mean(k)[0], (c == 0 ? 1.5 : -1.5) - 4 * se, (c == 0 ? 1.5 : -1.5) + 4 * se);
            Assert.InRange(model.Components.Mean(k)[1], -4 * se, 4 * se);
        }
        // The model's own samples: the label equals the drawing component except for a share 0.3, flipped.
        var sampled = model.SampleLabelled(n, new StreamKey(2, 0, 0, Purpose.Sample), 1);
        var plain = (RowBatch)new CollapseLab.Families.Mixture.MixtureModel(model.Parameters).Sample(n, new StreamKey(2, 0, 0, Purpose.Sample), 1);
        Assert.Equal(plain.Values, sampled.Values);
        var flipped = Enumerable.Range(0, n).Count(i => sampled.Labels![i] != model.ClassOf![ComponentOf(model, sampled.Row(i))]) / (double)n;
        var flipSe = Math.Sqrt(0.3 * 0.7 / n);
        // A row is assigned to its component by the larger term; overlap makes that an estimate of the drawing component,
        // so compare with the truth's Bayes error folded in: P(mismatch) = 0.3·(1 − e) + 0.7·e, e = Φ(−1.5).
        var e = 0.0668072;
        var expected = 0.3 * (1 - e) + 0.7 * e;
        Assert.InRange(flipped, expected - 4 * flipSe - 0.01, expected + 4 * flipSe + 0.01);
    }

    private static int ComponentOf(CollapseLab.Families.Mixture.MixtureModel model, ReadOnlySpan<double> x) =>
        Array.IndexOf(model.ClassOf!, model.Classify(x));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void An_oracle_with_flip_q_keeps_right_labels_with_1_minus_q_and_wrong_ones_with_q(double q)
    {
        var data = Data();
        var truth = (IClassConditional)((IKnownTruth)data).TruthDensity!;
        const int n = 20_000;
        var rows = truth.SampleLabelled(n, new StreamKey(3, 0, 0, Purpose.Sample), 1);
        // Generator labels: wrong (against the Bayes class) for the first 30% of rows, so e is known exactly.
        var labels = Enumerable.Range(0, n).Select(i => truth.Classify(rows.Row(i)) is var c && i < 0.3 * n ? 1 - c : c).ToArray();
        var x = rows.WithLabels(labels);
        var outcome = new LabelVerifyStep(oracle: true, q, null, 2).Apply(new CurationInput(1, x, null!, data, new StreamKey(3, 0, 1, Purpose.Curation), 1));
        var kept = outcome.Indices ?? Enumerable.Range(0, n).ToArray();
        var keptWrong = kept.Count(i => i < 0.3 * n) / (0.3 * n);
        var keptRight = kept.Count(i => i >= 0.3 * n) / (0.7 * n);
        Assert.InRange(keptWrong, q - 4 * Math.Sqrt(q * (1 - q) / (0.3 * n)), q + 4 * Math.Sqrt(q * (1 - q) / (0.3 * n)));
        Assert.InRange(keptRight, 1 - q - 4 * Math.Sqrt(q * (1 - q) / (0.7 * n)), 1 - q + 4 * Math.Sqrt(q * (1 - q) / (0.7 * n)));
        var measures = outcome.Measures.ToDictionary(m => m.Name, m => m.Value);
        Assert.Equal(0.3, measures["label_error_before"], 12);
        // Bayes: the error left among survivors is e·q / (e·q + (1 − e)(1 − q)).
        var after = 0.3 * q / (0.3 * q + 0.7 * (1 - q));
        var afterSe = Math.Sqrt(after * (1 - after) / Math.Max(kept.Length, 1));
        Assert.InRange(measures["label_error_after"], after - 4 * afterSe, after + 4 * afterSe);
    }

    [Fact]
    public void Real_test_accuracy_shows_the_threshold_in_verifier_quality()
    {
        // Generator labels wrong with p = 0.7. For well-separated classes the learned direction flips sign where
        // (1 − p)(1 − q) = p·q, so q* ≈ 1 − p; with overlap, q* = ((1 − p)A − pB)/(A − B) with A = E[s; s > 0],
        // B = E[s; s < 0] for s ~ N(m, 1): 0.3075 at m = 1.5. Well below q* the accuracy approaches the real-data
        // one (Bayes Φ(1.5) = 0.933), well above it falls under 1 − 0.933 + margin: worse than chance.
        var spec = TestSpecs.Load(Spec("""
            [{ name: unverified },
             { name: low, curation: { steps: [{ step: verify, verifier: oracle, flip: 0.15 }], top_up: { max_draws: 4 } } },
             { name: high, curation: { steps: [{ step: verify, verifier: oracle, flip: 0.45 }], top_up: { max_draws: 4 } } }]
            """));
        var results = TestSpecs.Run(spec);
        var (real, realSe) = TestSpecs.MeanAndError(TestSpecs.Column(spec, results, "unverified", "test_accuracy", 0));
        var (low, lowSe) = TestSpecs.MeanAndError(TestSpecs.Column(spec, results, "low", "test_accuracy", 1));
        var (high, highSe) = TestSpecs.MeanAndError(TestSpecs.Column(spec, results, "high", "test_accuracy", 1));
        var (none, noneSe) = TestSpecs.MeanAndError(TestSpecs.Column(spec, results, "unverified", "test_accuracy", 1));
        Assert.InRange(real, 0.933 - 4 * realSe - 0.01, 0.933 + 4 * realSe);
        // Effective label noise after verification at q = 0.15 is ≈ 0.07: a shrunken but correct direction.
        Assert.True(low > real - 0.02 - 4 * Math.Sqrt(lowSe * lowSe + realSe * realSe), $"low {low} vs real {real}");
        Assert.True(high < 0.5 - 4 * highSe, $"high {high} ± {highSe}");
        Assert.True(none < 0.5 - 4 * noneSe, $"unverified {none} ± {noneSe}");
    }

    [Fact]
    public void A_verified_labelled_chain_gives_the_same_bits_for_any_thread_count_and_after_resume()
    {
        // Accumulate keeps labelled real and synthetic rows in every training set, so labels pass through checkpoints.
        string Small() => Spec("[{ name: v, curation: { steps: [{ step: verify, verifier: classifier, flip: 0.1 }], top_up: { max_draws: 3 } } }]", samples: 300)
            .Replace("generations: 1", "generations: 4", StringComparison.Ordinal).Replace("replicates: 20", "replicates: 4", StringComparison.Ordinal)
            + "\npolicy: accumulate\n";
        var one = TestSpecs.Run(TestSpecs.Load(Small()), threads: 1);
        var two = TestSpecs.Run(TestSpecs.Load(Small()), threads: 2);
        Assert.Equal(one.SelectMany(r => r.Values), two.SelectMany(r => r.Values));
        Assert.All(one, r => Assert.Null(r.Degenerate));

        var runs = TestSpecs.TempDirectory();
        var whole = RunSession.Start(TestSpecs.Load(Small()), runs, 2);
        Assert.True(whole.Execute(CancellationToken.None));
        using var stop = new CancellationTokenSource();
        var options = new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= 2)
            {
                stop.Cancel();
            }
        });
        var first = RunSession.Start(TestSpecs.Load(Small()), runs, 2, options);
        Assert.False(first.Execute(stop.Token));
        Assert.True(RunSession.Resume(new RunFolder(first.Folder.Path), runs, 2).Execute(CancellationToken.None));
        foreach (var file in new[] { "metrics.csv", "curation.csv", "curation_measures.csv" })
        {
            Assert.Equal(File.ReadAllText(whole.Folder.File(file)), File.ReadAllText(first.Folder.File(file)));
        }
    }

    [Fact]
    public void Correction_keeps_a_moved_sample_s_class_and_gives_a_replaced_one_the_truth_draw_s()
    {
        var data = Data();
        var truth = (IClassConditional)((IKnownTruth)data).TruthDensity!;
        var x = truth.SampleLabelled(50, new StreamKey(7, 0, 0, Purpose.Sample), 1);
        var stream = new StreamKey(7, 0, 1, Purpose.Curation).Named("correct");
        var moved = (RowBatch)new CorrectStep(0.5, match: true).Apply(new CurationInput(1, x, null!, data, stream, 1)).Kept;
        Assert.Equal(x.Labels!, moved.Labels!);
        var replaced = (RowBatch)new CorrectStep(1, match: false).Apply(new CurationInput(1, x, null!, data, stream, 1)).Kept;
        Assert.Equal(((IKnownTruth)data).DrawTruth(50, stream.Named("target")).Labels!, replaced.Labels!);
    }

    [Fact]
    public void A_classifier_verifier_fitted_on_real_rows_reports_its_accuracy()
    {
        var data = Data();
        var truth = (IClassConditional)((IKnownTruth)data).TruthDensity!;
        var x = truth.SampleLabelled(2000, new StreamKey(4, 0, 0, Purpose.Sample), 1);
        var outcome = new LabelVerifyStep(oracle: false, 0, null, 2).Apply(new CurationInput(1, x, null!, data, new StreamKey(5, 1, 1, Purpose.Curation), 1));
        var accuracy = outcome.Measures.Single(m => m.Name == "verifier_accuracy").Value;
        // An LDA on 200 rows in 2-D is within a few points of Bayes (0.933); its kept share matches its agreement.
        Assert.InRange(accuracy, 0.90, 0.94);
        Assert.InRange(outcome.Kept.Count / 2000.0, 0.85, 0.97);
    }

    [Fact]
    public void A_regression_oracle_keeps_targets_within_the_tolerance()
    {
        var data = TestSpecs.Load("""
            generations: 1
            data: { source: linear, dim: 3, noise: 1, train: 50, test: 100 }
            model: linear_regression
            """).Arms[0].Data;
        var rows = (RowBatch)data.Fresh(20_000, new StreamKey(6, 0, 1, Purpose.Sample));
        var outcome = new LabelVerifyStep(oracle: true, 0, null, 1).Apply(new CurationInput(1, rows, null!, data, new StreamKey(6, 0, 1, Purpose.Curation), 1));
        // |ε| ≤ 1·σ has probability 0.6827.
        var share = outcome.Kept.Count / 20_000.0;
        var se = Math.Sqrt(0.6827 * 0.3173 / 20_000);
        Assert.InRange(share, 0.6827 - 4 * se, 0.6827 + 4 * se);
        var measures = outcome.Measures.ToDictionary(m => m.Name, m => m.Value);
        Assert.InRange(measures["target_sq_error_before"], 0.95, 1.05);
        // E[ε² | |ε| ≤ 1] = 1 − 2φ(1)/(2Φ(1) − 1) = 0.2911.
        Assert.InRange(measures["target_sq_error_after"], 0.2911 - 0.02, 0.2911 + 0.02);
    }

    [Theory]
    [InlineData("{ step: verify, verifier: oracle, flip: 1.5 }", "curation[0].flip", "")]
    [InlineData("{ step: verify, verifier: oracle, flip: -0.1 }", "curation[0].flip", "")]
    [InlineData("{ step: verify, verifier: classifier, train: 1 }", "curation[0].train", "")]
    [InlineData("{ step: verify, verifier: classifier, train: 500 }", "curation[0]", "real pool has 200")]
    [InlineData("{ step: verify, verifier: oracle, tolerance: 0 }", "curation[0].tolerance", "")]
    [InlineData("{ step: verify, verifier: judge }", "curation[0].verifier", "")]
    [InlineData("{ step: verify, verifier: oracle, quantile: 0.1 }", "curation[0].quantile", "")]
    public void Bad_labelled_verifier_options_are_located_errors(string step, string key, string what)
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load(Spec($"[{{ name: a, curation: [{step}] }}]")));
        Assert.Contains($"{key}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flip: 1.5", "curation[0].flip'")]
    [InlineData("verifier: judge", "curation[0].verifier'")]
    public void From_the_cli_a_bad_verifier_key_exits_2_and_writes_nothing(string option, string key)
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, Spec("[{ name: a }]").Replace("arms: [{ name: a }]", $"curation: [{{ step: verify, verifier: oracle, {option} }}]", StringComparison.Ordinal)
            .Replace("verifier: oracle, verifier: judge", "verifier: judge", StringComparison.Ordinal));
        var runs = Path.Combine(dir, "runs");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CollapseLab.Cli.CollapseCli.Run(["run", path, "--runs", runs, "--quiet"], output, error));
        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("spec.yaml:", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(runs), "a rejected spec must not leave a run folder");
    }

    [Fact]
    public void Labelled_verification_needs_labelled_samples_and_an_exact_truth()
    {
        var unlabelled = Assert.Throws<SpecException>(() => TestSpecs.Load("""
            generations: 1
            data: { source: blobs, centers: 2, labels: true, train: 50, test: 50 }
            model: { family: gmm, components: 2 }
            curation: [{ step: verify, verifier: oracle }]
            """));
        Assert.Contains("samples unlabelled rows", unlabelled.Message, StringComparison.Ordinal);
        var noLabels = Assert.Throws<SpecException>(() => TestSpecs.Load("""
            generations: 1
            data: { source: blobs, centers: 2, train: 50, test: 50 }
            model: { family: gmm, components: 2, labels: true }
            """));
        Assert.Contains("'model.labels'", noLabels.Message, StringComparison.Ordinal);
        var noiseWithoutLabels = Assert.Throws<SpecException>(() => TestSpecs.Load("""
            generations: 1
            data: { source: blobs, centers: 2, labels: true, train: 50, test: 50 }
            model: { family: gmm, components: 2, label_noise: 0.2 }
            """));
        Assert.Contains("'model.label_noise'", noiseWithoutLabels.Message, StringComparison.Ordinal);
        var moons = Assert.Throws<SpecException>(() => TestSpecs.Load("""
            generations: 1
            data: { source: moons, train: 50, test: 50 }
            model: gaussian
            curation: [{ step: verify, verifier: oracle }]
            """));
        Assert.Contains("'curation[0]'", moons.Message, StringComparison.Ordinal);
    }
}
