using CollapseLab.Policies;

namespace CollapseLab.Running;

/// <summary>
/// Everything one chain (arm × replicate) measured: Values[g·K + k] is metric k at generation g, and
/// Compositions[g] the training set's origins (first replicates only; null elsewhere). Generations before
/// <see cref="Completed"/> are filled.
/// </summary>
public sealed class ChainResult
{
    public ChainResult(int arm, int replicate, int generations, int metrics)
    {
        Arm = arm;
        Replicate = replicate;
        MetricCount = metrics;
        Values = new double[(generations + 1) * metrics];
        Compositions = new CompositionLog(generations);
    }

    public int Arm { get; }

    public int Replicate { get; }

    public int MetricCount { get; }

    public double[] Values { get; }

    public CompositionLog Compositions { get; }

    /// <summary>Per-sample values recorded by metrics (only on the first replicates).</summary>
    public List<Metrics.SampleValues> SampleValues { get; } = [];

    /// <summary>Text previews of the first samples of each generation (only on the first replicates).</summary>
    public List<(int Generation, string[] Items)> Previews { get; } = [];

    /// <summary>What each curation step saw, kept and changed, generation by generation (every replicate).</summary>
    public List<Curation.CurationRecord> Curation { get; } = [];

    /// <summary>
    /// Seconds each curation step took, summed over the generations this process ran; a timing, so it is kept out of
    /// checkpoints and every deterministic output.
    /// </summary>
    public double[] CurationSeconds { get; private set; } = [];

    /// <summary>Named figures of curation steps (detector TPR/FPR/AUC, real share before and after), every replicate.</summary>
    public List<Curation.CurationMeasure> CurationMeasures { get; } = [];

    /// <summary>Adds generation <paramref name="generation"/>'s curation pass: records, measures, times and any shortfall.</summary>
    public void Add(int generation, Curation.CurationPass pass)
    {
        Curation.AddRange(pass.Records);
        CurationMeasures.AddRange(pass.Measures);
        if (CurationSeconds.Length < pass.Seconds.Length)
        {
            var grown = new double[pass.Seconds.Length];
            CurationSeconds.CopyTo(grown, 0);
            CurationSeconds = grown;
        }
        for (var k = 0; k < pass.Seconds.Length; k++)
        {
            CurationSeconds[k] += pass.Seconds[k];
        }
        if (pass.Shortfall is { } why && Degenerate is null)
        {
            Degenerate = (generation, why);
        }
    }

    /// <summary>Every alarm the arm's monitor raised in this chain, in the order raised.</summary>
    public List<Monitoring.Alarm> Alarms { get; } = [];

    /// <summary>
    /// Forgets what generation <paramref name="generation"/> recorded beyond its metric values (which are about to be
    /// overwritten): its curation records, sample values and previews. A rollback reruns that generation.
    /// </summary>
    public void Forget(int generation)
    {
        Curation.RemoveAll(c => c.Generation == generation);
        CurationMeasures.RemoveAll(m => m.Generation == generation);
        SampleValues.RemoveAll(v => v.Generation == generation);
        Previews.RemoveAll(p => p.Generation == generation);
    }

    /// <summary>
    /// Ends a stopped chain at generation <paramref name="generation"/>: its last model stays in use, so every later
    /// generation holds that generation's values and no training set.
    /// </summary>
    public void HoldFrom(int generation)
    {
        var generations = Compositions.Length - 1;
        for (var g = generation + 1; g <= generations; g++)
        {
            Array.Copy(Values, generation * MetricCount, Values, g * MetricCount, MetricCount);
            Compositions.Add(null);
        }
        Completed = generations + 1;
    }

    /// <summary>Number of generations done (0 … G+1).</summary>
    public int Completed { get; set; }

    /// <summary>First generation whose model was degenerate, and why; null if none was.</summary>
    public (int Generation, string Reason)? Degenerate { get; set; }

    public double Value(int generation, int metric) => Values[generation * MetricCount + metric];

    public void Write(BinaryWriter w)
    {
        w.Write(Arm);
        w.Write(Replicate);
        w.Write(MetricCount);
        w.Write(Compositions.Length - 1);
        w.Write(Completed);
        for (var i = 0; i < Completed * MetricCount; i++)
        {
            w.Write(Values[i]);
        }
        for (var g = 0; g < Completed; g++)
        {
            var c = Compositions[g];
            w.Write(c is not null);
            if (c is null)
            {
                continue;
            }
            w.Write(c.Real);
            w.Write(c.Synthetic.Count);
            foreach (var o in c.Synthetic)
            {
                w.Write(o.Generation);
                w.Write(o.Count);
            }
        }
        w.Write(Degenerate is not null);
        if (Degenerate is { } d)
        {
            w.Write(d.Generation);
            w.Write(d.Reason);
        }
        w.Write(SampleValues.Count);
        foreach (var sv in SampleValues)
        {
            w.Write(sv.Generation);
            w.Write(sv.Name);
            w.Write(sv.Values.Length);
            foreach (var v in sv.Values)
            {
                w.Write(v);
            }
        }
        w.Write(Previews.Count);
        foreach (var (g, items) in Previews)
        {
            w.Write(g);
            w.Write(items.Length);
            foreach (var item in items)
            {
                w.Write(item);
            }
        }
        w.Write(Curation.Count);
        foreach (var c in Curation)
        {
            w.Write(c.Generation);
            w.Write(c.Step);
            w.Write(c.Seen);
            w.Write(c.Kept);
            w.Write(c.Changed);
        }
        w.Write(CurationMeasures.Count);
        foreach (var m in CurationMeasures)
        {
            w.Write(m.Generation);
            w.Write(m.Step);
            w.Write(m.Name);
            w.Write(m.Value);
        }
        w.Write(Alarms.Count);
        foreach (var alarm in Alarms)
        {
            alarm.Write(w);
        }
    }

    public static ChainResult Read(BinaryReader r)
    {
        var arm = r.ReadInt32();
        var replicate = r.ReadInt32();
        var metrics = r.ReadInt32();
        var generations = r.ReadInt32();
        var result = new ChainResult(arm, replicate, generations, metrics) { Completed = r.ReadInt32() };
        for (var i = 0; i < result.Completed * metrics; i++)
        {
            result.Values[i] = r.ReadDouble();
        }
        for (var g = 0; g < result.Completed; g++)
        {
            if (!r.ReadBoolean())
            {
                result.Compositions.Add(null);
                continue;
            }
            var real = r.ReadInt32();
            var origins = new OriginCount[r.ReadInt32()];
            for (var k = 0; k < origins.Length; k++)
            {
                origins[k] = new OriginCount(r.ReadInt32(), r.ReadInt32());
            }
            result.Compositions.Add(new Composition(real, origins));
        }
        if (r.ReadBoolean())
        {
            result.Degenerate = (r.ReadInt32(), r.ReadString());
        }
        var sampleValues = r.ReadInt32();
        for (var i = 0; i < sampleValues; i++)
        {
            var g = r.ReadInt32();
            var name = r.ReadString();
            var values = new double[r.ReadInt32()];
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = r.ReadDouble();
            }
            result.SampleValues.Add(new Metrics.SampleValues(g, name, values));
        }
        var previews = r.ReadInt32();
        for (var i = 0; i < previews; i++)
        {
            var g = r.ReadInt32();
            var items = new string[r.ReadInt32()];
            for (var k = 0; k < items.Length; k++)
            {
                items[k] = r.ReadString();
            }
            result.Previews.Add((g, items));
        }
        var curation = r.ReadInt32();
        for (var i = 0; i < curation; i++)
        {
            result.Curation.Add(new Curation.CurationRecord(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32()));
        }
        var measures = r.ReadInt32();
        for (var i = 0; i < measures; i++)
        {
            result.CurationMeasures.Add(new Curation.CurationMeasure(r.ReadInt32(), r.ReadInt32(), r.ReadString(), r.ReadDouble()));
        }
        var alarms = r.ReadInt32();
        for (var i = 0; i < alarms; i++)
        {
            result.Alarms.Add(Monitoring.Alarm.Read(r));
        }
        return result;
    }
}
