using System.IO.Compression;
using CollapseLab.Running;
using CollapseLab.Summaries;

namespace CollapseLab.Storage;

/// <summary>
/// The run's numbers as CSV: metrics.csv (long form, one row per arm × replicate × generation × metric),
/// summary.csv (statistics across replicates with theory) and composition.csv (training-set share by origin).
/// Past <see cref="PlainRowLimit"/> rows the per-replicate file is written as metrics.parquet (columnar and
/// compressed, <see cref="ParquetTables"/>), or gzipped as metrics.csv.gz with <c>output.format: csv</c>;
/// <c>output.format: parquet</c> writes Parquet at any size. The per-sample values follow the same rule.
/// </summary>
public static class CsvExporter
{
    public const long PlainRowLimit = 2_000_000;

    public static string MetricsFileName(RunSummary summary) =>
        FileName("metrics", summary.Spec.Output.Format, (long)summary.Spec.ChainCount * (summary.Spec.Generations + 1) * summary.Spec.Metrics.Count);

    /// <summary>The per-sample values' file, by the same rule as the metrics' (<see cref="MetricsFileName"/>).</summary>
    public static string SampleValuesFileName(RunSummary summary, IReadOnlyList<ChainResult> chains) =>
        FileName("sample_values", summary.Spec.Output.Format, WithSampleValues(chains).Sum(c => c.SampleValues.Sum(sv => (long)sv.Values.Length)));

    private static string FileName(string table, string format, long rows) => format switch
    {
        "parquet" => $"{table}.parquet",
        "csv" => rows > PlainRowLimit ? $"{table}.csv.gz" : $"{table}.csv",
        _ => rows > PlainRowLimit ? $"{table}.parquet" : $"{table}.csv",
    };

    /// <summary>The chains that recorded per-sample values, in file order.</summary>
    public static IEnumerable<ChainResult> WithSampleValues(IReadOnlyList<ChainResult> chains) =>
        chains.Where(c => c.SampleValues.Count > 0).OrderBy(c => c.Arm).ThenBy(c => c.Replicate);

    public static void WriteAll(RunFolder folder, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        WriteLongTable(folder, MetricsFileName(summary),
            stream => ParquetTables.WriteMetrics(stream, summary, chains), w => WriteMetrics(w, summary, chains));
        AtomicFile.WriteText(folder.File("summary.csv"), w => WriteSummary(w, summary));
        AtomicFile.WriteText(folder.File("composition.csv"), w => WriteComposition(w, summary));
        if (chains.Any(c => c.SampleValues.Count > 0))
        {
            WriteLongTable(folder, SampleValuesFileName(summary, chains),
                stream => ParquetTables.WriteSampleValues(stream, summary, chains), w => WriteSampleValues(w, summary, chains));
        }
        if (summary.Spec.Arms.Any(a => !a.Curation.IsEmpty))
        {
            AtomicFile.WriteText(folder.File("curation.csv"), w => WriteCuration(w, summary, chains));
            AtomicFile.WriteText(folder.File("curation_measures.csv"), w => WriteCurationMeasures(w, summary, chains));
        }
        Monitoring.MonitorExport.Write(folder, summary, chains);
        if (chains.Any(c => c.Previews.Count > 0))
        {
            AtomicFile.WriteText(folder.File("samples.csv"), w => WritePreviews(w, summary, chains));
        }
    }

    /// <summary>A long-form table as Parquet, gzipped CSV or CSV, by its file name.</summary>
    private static void WriteLongTable(RunFolder folder, string name, Action<Stream> parquet, Action<TextWriter> csv) =>
        AtomicFile.Write(folder.File(name), stream =>
        {
            if (name.EndsWith(".parquet", StringComparison.Ordinal))
            {
                parquet(stream);
                return;
            }
            using var target = name.EndsWith(".gz", StringComparison.Ordinal)
                ? new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true)
                : (Stream)new NonClosing(stream);
            using var w = new StreamWriter(target, new System.Text.UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            csv(w);
        });

    /// <summary>curation.csv: arm, replicate, generation, step (position), name, seen, kept, changed, one row per step and generation.</summary>
    public static void WriteCuration(TextWriter w, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        w.WriteLine("arm,replicate,generation,step,name,seen,kept,changed");
        foreach (var chain in chains.Where(c => c.Curation.Count > 0).OrderBy(c => c.Arm).ThenBy(c => c.Replicate))
        {
            var arm = summary.Spec.Arms[chain.Arm];
            var armName = Quote(arm.Name);
            foreach (var c in chain.Curation)
            {
                w.WriteLine($"{armName},{chain.Replicate},{c.Generation},{c.Step},{arm.Curation.Steps[c.Step].Name},{c.Seen},{c.Kept},{c.Changed}");
            }
        }
    }

    /// <summary>sample_values.csv: arm, replicate, generation, name, index, value (first replicates only).</summary>
    public static void WriteSampleValues(TextWriter w, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        w.WriteLine("arm,replicate,generation,name,index,value");
        foreach (var chain in WithSampleValues(chains))
        {
            var arm = Quote(summary.Spec.Arms[chain.Arm].Name);
            foreach (var sv in chain.SampleValues)
            {
                for (var i = 0; i < sv.Values.Length; i++)
                {
                    w.WriteLine($"{arm},{chain.Replicate},{sv.Generation},{sv.Name},{i},{Numbers.Format(sv.Values[i])}");
                }
            }
        }
    }

    /// <summary>curation_measures.csv: arm, replicate, generation, step (position), name, measure, value, in long form.</summary>
    public static void WriteCurationMeasures(TextWriter w, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        w.WriteLine("arm,replicate,generation,step,name,measure,value");
        foreach (var chain in chains.Where(c => c.CurationMeasures.Count > 0).OrderBy(c => c.Arm).ThenBy(c => c.Replicate))
        {
            var arm = summary.Spec.Arms[chain.Arm];
            var armName = Quote(arm.Name);
            foreach (var m in chain.CurationMeasures)
            {
                w.WriteLine($"{armName},{chain.Replicate},{m.Generation},{m.Step},{arm.Curation.Steps[m.Step].Name},{m.Name},{Numbers.Format(m.Value)}");
            }
        }
    }

    /// <summary>samples.csv: arm, replicate, generation, index, sample (as text) for the first samples.</summary>
    public static void WritePreviews(TextWriter w, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        w.WriteLine("arm,replicate,generation,index,sample");
        foreach (var chain in chains.Where(c => c.Previews.Count > 0).OrderBy(c => c.Arm).ThenBy(c => c.Replicate))
        {
            var arm = Quote(summary.Spec.Arms[chain.Arm].Name);
            foreach (var (g, items) in chain.Previews)
            {
                for (var i = 0; i < items.Length; i++)
                {
                    w.WriteLine($"{arm},{chain.Replicate},{g},{i},{Quote(items[i])}");
                }
            }
        }
    }

    public static void WriteMetrics(TextWriter w, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        var spec = summary.Spec;
        w.WriteLine("arm,replicate,generation,metric,value");
        foreach (var chain in chains.OrderBy(c => c.Arm).ThenBy(c => c.Replicate))
        {
            var arm = Quote(spec.Arms[chain.Arm].Name);
            for (var g = 0; g <= spec.Generations; g++)
            {
                for (var m = 0; m < spec.Metrics.Count; m++)
                {
                    w.Write(arm);
                    w.Write(',');
                    w.Write(chain.Replicate);
                    w.Write(',');
                    w.Write(g);
                    w.Write(',');
                    w.Write(spec.Metrics[m].Name);
                    w.Write(',');
                    w.WriteLine(Numbers.Format(chain.Value(g, m)));
                }
            }
        }
    }

    public static void WriteSummary(TextWriter w, RunSummary summary)
    {
        var spec = summary.Spec;
        w.WriteLine("arm,generation,metric,n,n_finite,mean,sd,ci_low,ci_high,median,q025,q975,theory");
        foreach (var arm in spec.Arms)
        {
            for (var g = 0; g <= spec.Generations; g++)
            {
                for (var m = 0; m < spec.Metrics.Count; m++)
                {
                    var s = summary.Stats[arm.Index, g, m];
                    w.WriteLine(string.Join(',', Quote(arm.Name), g, spec.Metrics[m].Name, s.Count, s.Finite,
                        Numbers.Format(s.Mean), Numbers.Format(s.StdDev), Numbers.Format(s.CiLow), Numbers.Format(s.CiHigh),
                        Numbers.Format(s.Median), Numbers.Format(s.QuantileLow), Numbers.Format(s.QuantileHigh), Numbers.Format(s.Theory)));
                }
            }
        }
    }

    public static void WriteComposition(TextWriter w, RunSummary summary)
    {
        var spec = summary.Spec;
        w.WriteLine("arm,generation,origin,share");
        foreach (var arm in spec.Arms)
        {
            for (var g = 0; g <= spec.Generations; g++)
            {
                foreach (var (origin, share) in summary.Composition[arm.Index, g])
                {
                    w.WriteLine(string.Join(',', Quote(arm.Name), g, origin < 0 ? "real" : $"gen{origin}", Numbers.Format(share)));
                }
            }
        }
    }

    public static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    /// <summary>Lets a writer be disposed without closing the atomic file's stream underneath.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }
}
