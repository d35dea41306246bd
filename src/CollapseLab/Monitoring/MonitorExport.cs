using CollapseLab.Running;
using CollapseLab.Storage;
using CollapseLab.Summaries;

namespace CollapseLab.Monitoring;

/// <summary>
/// A monitored run's files: alarms.csv (every alarm and the action taken; value is the rule's statistic, compared
/// with threshold) and signal_quality.csv (<see cref="SignalQuality"/> per arm, signal and rule).
/// </summary>
public static class MonitorExport
{
    public const string AlarmsFile = "alarms.csv";
    public const string QualityFile = "signal_quality.csv";
    public const string AlarmsHeader = "arm,replicate,generation,signal,rule,value,threshold,action";

    public static void Write(RunFolder folder, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        if (summary.Spec.Arms.All(a => a.Monitor is null))
        {
            return;
        }
        AtomicFile.WriteText(folder.File(AlarmsFile), w => WriteAlarms(w, summary, chains));
        AtomicFile.WriteText(folder.File(QualityFile), w => WriteQuality(w, summary.SignalQuality));
    }

    private static readonly Lock LiveLock = new();

    /// <summary>
    /// Appends a running chain's new alarms (from index <paramref name="from"/>) to alarms.csv, so a live view sees them
    /// as they are raised. Rows of generations a resumed chain reruns may repeat; (arm, replicate, signal, rule) is
    /// each row's key. When the run completes the file is rewritten in arm and replicate order.
    /// </summary>
    public static void AppendLive(RunFolder folder, string arm, ChainResult chain, int from)
    {
        lock (LiveLock)
        {
            var path = folder.File(AlarmsFile);
            var fresh = !File.Exists(path);
            using var w = new StreamWriter(path, append: true, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
            if (fresh)
            {
                w.WriteLine(AlarmsHeader);
            }
            foreach (var a in chain.Alarms.Skip(from))
            {
                WriteAlarm(w, CsvExporter.Quote(arm), chain.Replicate, a);
            }
        }
    }

    public static void WriteAlarms(TextWriter w, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        w.WriteLine(AlarmsHeader);
        foreach (var chain in chains.OrderBy(c => c.Arm).ThenBy(c => c.Replicate))
        {
            var arm = CsvExporter.Quote(summary.Spec.Arms[chain.Arm].Name);
            foreach (var a in chain.Alarms)
            {
                WriteAlarm(w, arm, chain.Replicate, a);
            }
        }
    }

    private static void WriteAlarm(TextWriter w, string arm, int replicate, Alarm a) =>
        w.WriteLine($"{arm},{replicate},{a.Generation},{a.Signal},{CsvExporter.Quote(a.Rule)},{Numbers.Format(a.Value)},{Numbers.Format(a.Threshold)},{a.Action}");

    public static void WriteQuality(TextWriter w, IReadOnlyList<SignalQuality> rows)
    {
        w.WriteLine("arm,role,signal,rule,target_far,chains,alarmed,alarm_rate,alarm_rate_se,onsets,early,missed,lead_n,lead_mean,lead_ci_low,lead_ci_high,lead_median");
        foreach (var q in rows)
        {
            w.WriteLine(string.Join(',', CsvExporter.Quote(q.Arm), q.IsNull ? "null" : "watched", q.Signal, CsvExporter.Quote(q.Rule),
                Numbers.Format(q.TargetFar), q.Chains, q.Alarmed, Numbers.Format(q.AlarmRate), Numbers.Format(q.AlarmRateError),
                q.Onsets, q.Early, q.Missed, q.Lead.Count, Numbers.Format(q.Lead.Mean), Numbers.Format(q.Lead.CiLow),
                Numbers.Format(q.Lead.CiHigh), Numbers.Format(q.Lead.Median)));
        }
    }
}
