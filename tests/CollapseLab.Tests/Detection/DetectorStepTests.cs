using CollapseLab.Cli;
using CollapseLab.Curation;
using CollapseLab.Running;

namespace CollapseLab.Tests.Detection;

/// <summary>Detectors as curation steps on a contaminated pool, judged against the ledger.</summary>
[Trait("Speed", "slow")]
public class DetectorStepTests
{
    /// <summary>A Zipf bigram language in 64-token blocks, a watermarked bigram model, a pool half real and half synthetic.</summary>
    private static string Spec(string curation, string policy = "{ kind: contaminated, rate: 0.5, size: 400 }") =>
        "seed: 3\ngenerations: 3\nreplicates: 2\n"
        + "data: { source: zipf, vocab: 500, order: 2, block: 64, train: 400, test: 200 }\n"
        + "model: { family: ngram, order: 2, sampling: { watermark: { delta: 2.0 } } }\n"
        + $"samples_per_generation: 400\npolicy: {policy}\ncuration: {curation}\nmetrics: [real_share]\n";


    private static Dictionary<string, double> Measures(ChainResult result, int generation, int step = 0) =>
        result.CurationMeasures.Where(m => m.Generation == generation && m.Step == step).ToDictionary(m => m.Name, m => m.Value);

    [Fact]
    public void OracleKeepsExactlyTheRealHalf()
    {
        var spec = TestSpecs.Load(Spec("[oracle]"));
        foreach (var result in TestSpecs.Run(spec))
        {
            for (var g = 1; g <= spec.Generations; g++)
            {
                var m = Measures(result, g);
                Assert.Equal((1.0, 0.0, 1.0), (m["tpr"], m["fpr"], m["auc"]));
                Assert.Equal(0.5, m["real_share_before"]);
                Assert.Equal(1.0, m["real_share_after"]);
                Assert.Equal(0.5, m["kept_fraction"]);
                Assert.Equal(1.0, result.Compositions[g]!.RealShare);
                Assert.Equal(200, result.Compositions[g]!.Total); // drop shrinks the set
            }
        }
    }

    /// <summary>The z-test at 4 on 63 scored tokens with δ = 2 catches nearly every synthetic text and almost no real one.</summary>
    [Fact]
    public void WatermarkSeparatesWhatTheLedgerSays()
    {
        var spec = TestSpecs.Load(Spec("[{ step: watermark, threshold: 4 }]"));
        foreach (var result in TestSpecs.Run(spec))
        {
            var m = Measures(result, spec.Generations);
            Assert.True(m["tpr"] > 0.9, $"tpr {m["tpr"]}");
            Assert.True(m["fpr"] < 0.02, $"fpr {m["fpr"]}");
            Assert.True(m["auc"] > 0.98, $"auc {m["auc"]}");
            Assert.True(m["real_share_after"] > 0.9, $"real share {m["real_share_after"]}");
        }
    }

    /// <summary>The random control flags at its rate whatever the origin: TPR and FPR both within 4 binomial SEs of it.</summary>
    [Fact]
    public void RandomFlagsAtItsRate()
    {
        var spec = TestSpecs.Load(Spec("[{ step: random, rate: 0.3 }]"));
        var se = Math.Sqrt(0.3 * 0.7 / 200);
        foreach (var result in TestSpecs.Run(spec))
        {
            for (var g = 1; g <= spec.Generations; g++)
            {
                var m = Measures(result, g);
                Assert.InRange(m["tpr"], 0.3 - 4 * se, 0.3 + 4 * se);
                Assert.InRange(m["fpr"], 0.3 - 4 * se, 0.3 + 4 * se);
                Assert.InRange(m["real_share_after"], 0.5 - 4 * Math.Sqrt(0.25 / 280), 0.5 + 4 * Math.Sqrt(0.25 / 280));
            }
        }
    }

    /// <summary>Reweighting by the oracle's p gives synthetic items weight 0: a same-size resample of real items only.</summary>
    [Fact]
    public void ReweightKeepsTheSizeAndFollowsTheWeights()
    {
        var spec = TestSpecs.Load(Spec("[{ step: oracle, action: reweight, beta: 2 }]"));
        foreach (var result in TestSpecs.Run(spec))
        {
            Assert.Equal(400, result.Compositions[1]!.Total);
            Assert.Equal(1.0, result.Compositions[1]!.RealShare);
        }
    }

    [Fact]
    public void SameMeasuresForAnyThreadCount()
    {
        var spec = TestSpecs.Load(Spec("[{ step: watermark, target_fpr: 0.01 }, { step: random, rate: 0.2, action: reweight }]"));
        var one = TestSpecs.Run(spec, threads: 1);
        var two = TestSpecs.Run(spec, threads: 2);
        for (var i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i].CurationMeasures, two[i].CurationMeasures);
            Assert.Equal(one[i].Values, two[i].Values);
        }
    }

    /// <summary>The learned detector ranks synthetic above real more often than chance (AUC well above ½) on every generation.</summary>
    [Fact]
    public void ClassifierBeatsChance()
    {
        var spec = TestSpecs.Load(Spec("[{ step: classifier, train: 100 }]"));
        foreach (var result in TestSpecs.Run(spec))
        {
            for (var g = 1; g <= spec.Generations; g++)
            {
                Assert.True(Measures(result, g)["auc"] > 0.6, $"generation {g}: auc {Measures(result, g)["auc"]}");
            }
        }
    }

    /// <summary>
    /// Rows: a Gaussian refitted on pools half real two-mode mixture rows, half its own samples (same mean and
    /// covariance). The logistic detector's AUC stays within 4 standard errors of ½ (no linear rule separates them);
    /// the MLP's is far above it, and at a 5% target its FPR stays within 4 binomial SEs of 5%.
    /// </summary>
    [Fact]
    public void OnRowsAnMlpSeesWhatALinearDetectorCannot()
    {
        var spec = TestSpecs.Load("seed: 1\ngenerations: 2\nreplicates: 2\n"
            + "data: { source: mixture, weights: [0.5, 0.5], means: [[-2.5, 0], [2.5, 0]], covariances: [[[0.5, 0], [0, 0.5]], [[0.5, 0], [0, 0.5]]], train: 1000, test: 2000 }\n"
            + "model: { family: gaussian }\nsamples_per_generation: 1000\npolicy: { kind: contaminated, rate: 0.5, size: 1000 }\nmetrics: [real_share]\n"
            + "arms:\n  - { name: logistic, curation: [{ step: classifier, target_fpr: 0.05, train: 500 }] }\n"
            + "  - { name: mlp, curation: [{ step: classifier, model: mlp, hidden: 16, target_fpr: 0.05, train: 500 }] }\n");
        var results = TestSpecs.Run(spec);
        var aucSe = Math.Sqrt((500.0 + 500 + 1) / (12.0 * 500 * 500)); // the Mann–Whitney SE under no separation
        var fprSe = Math.Sqrt(0.05 * 0.95 / 500);
        foreach (var result in results)
        {
            var m = Measures(result, spec.Generations);
            if (spec.Arms[result.Arm].Name == "logistic")
            {
                Assert.InRange(m["auc"], 0.5 - 4 * aucSe, 0.5 + 4 * aucSe);
            }
            else
            {
                Assert.True(m["auc"] > 0.7, $"mlp auc {m["auc"]}");
                Assert.InRange(m["fpr"], 0.05 - 4 * fprSe, 0.05 + 4 * fprSe);
            }
        }
    }

    [Fact]
    public void AucCountsTiesAsHalf()
    {
        // Synthetic scores 3, 2, 1; real 2, 0: pairs won 3 + 1.5 + 1 … = (2 + 1.5 + 1) of 6.
        int[] origins = [1, 1, 1, CurationStage.RealOrigin, CurationStage.RealOrigin];
        double[] scores = [3, 2, 1, 2, 0];
        Assert.Equal(4.5 / 6, DetectorMeasures.Auc(origins, scores, 3, 2), 12);
    }

    [Theory]
    [InlineData("{ data: { source: gaussian, dim: 1, train: 20, test: 20 }, model: gaussian, curation: [watermark] }", "curation[0]", "watermark")]
    [InlineData("{ curation: [{ step: watermark, threshold: 4, target_fpr: 0.01 }] }", "target_fpr", "not both")]
    [InlineData("{ curation: [{ step: random, rate: 1.5 }] }", "rate", "at most 1")]
    [InlineData("{ curation: [{ step: oracle, action: keep }] }", "action", "drop, reweight")]
    [InlineData("{ curation: [{ step: classifier, model: forest }] }", "model", "logistic, mlp")]
    [InlineData("{ curation: [{ step: classifier, model: mlp, hidden: 0 }] }", "hidden", "between 1 and 1024")]
    [InlineData("{ curation: [{ step: classifier, reference: model1 }] }", "reference", "model0, model")]
    [InlineData("{ data: { source: zipf, vocab: 50, block: 8, train: 40, test: 3 }, curation: [classifier] }", "curation[0]", "at least 4 held-out")]
    public void BadDetectorSteps(string arm, string key, string message)
    {
        var folder = TestSpecs.TempDirectory();
        var path = Path.Combine(folder, "spec.yaml");
        File.WriteAllText(path, Spec("[]") + $"arms:\n  - {{ name: bad, {arm[1..^1].Trim()} }}\n");
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = CollapseCli.Run(["validate", path], output, error);
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}
