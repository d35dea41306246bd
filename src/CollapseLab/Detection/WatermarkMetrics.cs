using CollapseLab.Data.Text;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Metrics;

namespace CollapseLab.Detection;

/// <summary>
/// The z-test on a generation's samples under the arm's key (<c>sampling.watermark</c>; without one, the default key
/// with γ = 0.25, which makes the figure a null control): per text and averaged (<c>watermark_z</c>), the share of
/// texts at z ≥ 4 (<c>watermark_detected</c>: the TPR on watermarked samples, the FPR on others), or over the
/// whole generation pooled, with and without dedup of (context, token) pairs across it (<c>corpus_z</c>,
/// <c>corpus_z_dedup</c>). On generations sampled without the watermark (after <c>until</c>), a pooled z above the
/// null is radioactivity (Sander et al. 2024): the watermark learned from training data.
/// </summary>
public sealed class WatermarkZMetric(WatermarkZMetric.Kind kind) : LanguageMetric
{
    public enum Kind
    {
        MeanZ,
        Detected,
        Corpus,
        CorpusDedup,
    }

    private bool Pooled => kind is Kind.Corpus or Kind.CorpusDedup;

    public override string Name => kind switch
    {
        Kind.MeanZ => "watermark_z",
        Kind.Detected => "watermark_detected",
        Kind.Corpus => "corpus_z",
        _ => "corpus_z_dedup",
    };

    public override string Description => kind switch
    {
        Kind.MeanZ => "mean over samples of each text's watermark z under the arm's key",
        Kind.Detected => "share of samples whose watermark z under the arm's key is at least 4",
        Kind.Corpus => "watermark z of all the generation's samples pooled under the arm's key",
        _ => "watermark z of all the generation's samples pooled under the arm's key, each (context, token) pair once",
    };

    public override IReadOnlyList<Capability> Requires => [Capabilities.Watermarkable];

    public override double Compute(MetricContext context)
    {
        var model = (ILanguageModel)context.Model;
        var samples = (TokenBatch)context.Samples;
        var green = new GreenList(model.Sampling.Watermark ?? new Watermark(0.25, 0, Watermark.DefaultKey, 1), model.VocabularySize);
        var scorer = new WatermarkScorer(green, kind == Kind.CorpusDedup);
        var total = new WatermarkScore(0, 0, green.Fraction);
        var sum = 0.0;
        for (var i = 0; i < samples.Count; i++)
        {
            var score = scorer.Score(samples.Sequence(i));
            total = total.Add(score);
            sum += kind == Kind.Detected ? score.Z >= 4 ? 1 : 0 : score.Z;
        }
        return Pooled ? total.Z : samples.Count == 0 ? 0 : sum / samples.Count;
    }
}
