using System.Text.Json;
using CollapseLab.Summaries;

namespace CollapseLab.Storage;

/// <summary>
/// summary.json: per arm, every metric by generation (mean, interval, median, quantiles, theory) and collapse
/// onset. Non-finite numbers are written as the strings "inf", "-inf" (JSON has no infinity) and NaN as null.
/// </summary>
public static class JsonExporter
{
    public static void Write(RunFolder folder, RunInfo info, RunSummary summary) =>
        AtomicFile.Write(folder.File("summary.json"), s => Write(s, info, summary));

    public static void Write(Stream stream, RunInfo info, RunSummary summary)
    {
        var spec = summary.Spec;
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("run", info.Id);
        w.WriteString("name", spec.Name);
        w.WriteString("description", spec.Description);
        w.WriteNumber("seed", spec.Seed);
        w.WriteNumber("generations", spec.Generations);
        w.WriteNumber("replicates", spec.Replicates);
        w.WriteStartArray("metrics");
        foreach (var m in spec.Metrics)
        {
            w.WriteStartObject();
            w.WriteString("name", m.Name);
            w.WriteString("description", m.Description);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("arms");
        foreach (var arm in spec.Arms)
        {
            w.WriteStartObject();
            w.WriteString("name", arm.Name);
            w.WriteString("family", arm.Family.Name);
            w.WriteString("policy", arm.Policy.Describe());
            w.WriteString("data", arm.Data.Describe());
            w.WriteNumber("samples_per_generation", arm.SamplesPerGeneration);
            var (collapsedChains, medianOnset) = summary.Collapsed[arm.Index];
            w.WriteNumber("collapsed_chains", collapsedChains);
            WriteNumber(w, "median_collapse_generation", medianOnset);
            w.WriteStartObject("metrics");
            for (var m = 0; m < spec.Metrics.Count; m++)
            {
                w.WriteStartObject(spec.Metrics[m].Name);
                WriteSeries(w, "mean", summary, arm.Index, m, s => s.Mean);
                WriteSeries(w, "ci_low", summary, arm.Index, m, s => s.CiLow);
                WriteSeries(w, "ci_high", summary, arm.Index, m, s => s.CiHigh);
                WriteSeries(w, "median", summary, arm.Index, m, s => s.Median);
                WriteSeries(w, "q025", summary, arm.Index, m, s => s.QuantileLow);
                WriteSeries(w, "q975", summary, arm.Index, m, s => s.QuantileHigh);
                if (summary.Stats[arm.Index, 0, m].Theory is not null)
                {
                    WriteSeries(w, "theory", summary, arm.Index, m, s => s.Theory ?? double.NaN);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSeries(Utf8JsonWriter w, string name, RunSummary summary, int arm, int metric, Func<Statistic, double> pick)
    {
        w.WriteStartArray(name);
        for (var g = 0; g <= summary.Spec.Generations; g++)
        {
            WriteValue(w, pick(summary.Stats[arm, g, metric]));
        }
        w.WriteEndArray();
    }

    public static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        WriteValue(w, value);
    }

    public static void WriteValue(Utf8JsonWriter w, double value)
    {
        if (double.IsNaN(value))
        {
            w.WriteNullValue();
        }
        else if (double.IsInfinity(value))
        {
            w.WriteStringValue(Numbers.Format(value));
        }
        else
        {
            w.WriteNumberValue(value);
        }
    }
}
