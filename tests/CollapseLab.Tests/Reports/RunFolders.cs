using System.Globalization;
using System.Text;
using CollapseLab.Cli;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Reports;

/// <summary>
/// Run folders for report tests: a real (small) run made through the CLI, and folders written directly in the
/// run-folder format (the report reads only those generic files) for shapes a quick run cannot produce: a
/// thousand generations, text samples, per-sample values with ±∞.
/// </summary>
internal static class RunFolders
{
    private static readonly Lazy<string> Root = new(() =>
    {
        // One folder per test process; folders of test processes that have exited are removed.
        var parent = Path.Combine(Path.GetTempPath(), "collapselab-report-tests");
        Directory.CreateDirectory(parent);
        foreach (var old in Directory.GetDirectories(parent))
        {
            if (int.TryParse(Path.GetFileName(old), out var pid) && !Alive(pid))
            {
                try
                {
                    Directory.Delete(old, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
        var root = Path.Combine(parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        return root;
    });

    public static string NewDirectory(string name)
    {
        var path = Path.Combine(Root.Value, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static readonly Lazy<RunFolder> Default = new(() => DefaultRun(NewDirectory("default")));

    private static readonly Lazy<RunFolder> Large = new(() => Synthetic(NewDirectory("large"), "large-run", last: 1000, replicates: 1000));

    /// <summary>A 1000-generation × 1000-replicate run folder shared by the size and speed tests.</summary>
    public static RunFolder SharedLarge => Large.Value;

    /// <summary>One shortened default run shared by the tests that only read it.</summary>
    public static RunFolder SharedDefault => Default.Value;

    /// <summary>The built-in default experiment, shortened, run through `collapse run` (which writes report.html).</summary>
    public static RunFolder DefaultRun(string runs, int generations = 30, int replicates = 8)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CollapseCli.Run(["run", "--runs", runs, "-q", "--threads", "2", "--set", $"generations={generations}", "--set", $"replicates={replicates}"], output, error);
        Assert.True(code == 0, $"collapse run failed ({code}): {error}");
        var folder = Directory.GetDirectories(runs).Single(d => File.Exists(Path.Combine(d, RunFolder.SpecFile)));
        return new RunFolder(folder);
    }

    /// <summary>
    /// A run folder as a family would leave it: <paramref name="arms"/> arms, generations 0…<paramref name="last"/>,
    /// statistics over <paramref name="replicates"/> replicates, composition as replace, keep-real and accumulate make it,
    /// previews (numbers or the given texts) and per-sample values spanning decades with some +∞.
    /// </summary>
    public static RunFolder Synthetic(string runs, string id, int last, int replicates, int arms = 3, int metrics = 8,
        IReadOnlyList<string>? texts = null, int previewsPerGeneration = 20, int valuesPerGeneration = 50)
    {
        var folder = new RunFolder(Path.Combine(runs, id));
        Directory.CreateDirectory(folder.Path);
        var armNames = Enumerable.Range(0, arms).Select(a => a switch { 0 => "replace", 1 => "keep-real-10%", 2 => "accumulate", _ => $"arm-{a}" }).ToList();
        File.WriteAllText(folder.File(RunFolder.SpecFile), $"name: synthetic\nseed: 7\ngenerations: {last}\nreplicates: {replicates}\n");
        new RunInfo { Id = id, Name = "synthetic", Status = "complete", Started = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), Seconds = 12.5, Threads = 2 }.Save(folder);
        var metricNames = Enumerable.Range(0, metrics).Select(m => m == 0 ? "variance" : m == 1 ? "kl" : $"metric_{m}").ToList();
        using (var w = Writer(folder.File("summary.csv")))
        {
            w.WriteLine("arm,generation,metric,n,n_finite,mean,sd,ci_low,ci_high,median,q025,q975,theory");
            for (var a = 0; a < arms; a++)
            {
                for (var g = 0; g <= last; g++)
                {
                    for (var m = 0; m < metrics; m++)
                    {
                        // variance decays by (19/20)^g under replace (decades by the end); kl grows and turns +∞ late.
                        var decay = a == 0 ? Math.Pow(0.95, g) : 1 + 0.1 * Math.Sin(g / 7.0);
                        var value = m == 1 ? (1 - decay) * 3 + 0.01 : decay * (1 + 0.05 * m);
                        var finite = m == 1 && a == 0 && g > last * 0.8 ? replicates * 3 / 4 : replicates;
                        var high = finite < replicates ? double.PositiveInfinity : value * 1.6;
                        var theory = m == 0 && a == 0 ? Numbers.Format(Math.Pow(0.95, g + 1)) : "";
                        w.WriteLine(string.Join(',', CsvExporter.Quote(armNames[a]), g, metricNames[m], replicates, finite, Numbers.Format(value),
                            Numbers.Format(value * 0.3), Numbers.Format(value * 0.9), Numbers.Format(value * 1.1), Numbers.Format(value * 0.97),
                            Numbers.Format(value * 0.4), Numbers.Format(high), theory));
                    }
                }
            }
        }
        using (var w = Writer(folder.File("summary.json")))
        {
            var descriptions = string.Join(",", metricNames.Select(m => $"{{\"name\":\"{m}\",\"description\":\"{m} of the model (synthetic test data)\"}}"));
            var armJson = string.Join(",", armNames.Select((a, i) => $"{{\"name\":\"{a}\",\"family\":\"gaussian\",\"policy\":\"policy {i}\",\"data\":\"synthetic\",\"samples_per_generation\":20,\"collapsed_chains\":{(i == 0 ? 3 : 0)},\"median_collapse_generation\":{(i == 0 ? "40" : "null")}}}"));
            w.Write($"{{\"run\":\"{id}\",\"name\":\"synthetic\",\"description\":\"synthetic run for report tests\",\"seed\":7,\"generations\":{last},\"replicates\":{replicates},\"metrics\":[{descriptions}],\"arms\":[{armJson}]}}");
        }
        using (var w = Writer(folder.File("composition.csv")))
        {
            w.WriteLine("arm,generation,origin,share");
            for (var a = 0; a < arms; a++)
            {
                var arm = CsvExporter.Quote(armNames[a]);
                w.WriteLine($"{arm},0,real,1");
                for (var g = 1; g <= last; g++)
                {
                    switch (a % 3)
                    {
                        case 0: // replace: the previous generation only
                            w.WriteLine($"{arm},{g},gen{g - 1},1");
                            break;
                        case 1: // keep 10% real
                            w.WriteLine($"{arm},{g},real,0.1");
                            w.WriteLine($"{arm},{g},gen{g - 1},0.9");
                            break;
                        default: // accumulate: every origin so far, equally
                            var share = Numbers.Format(1.0 / (g + 1));
                            w.WriteLine($"{arm},{g},real,{share}");
                            for (var o = 0; o < g; o++)
                            {
                                w.WriteLine($"{arm},{g},gen{o},{share}");
                            }
                            break;
                    }
                }
            }
        }
        using (var w = Writer(folder.File("samples.csv")))
        {
            w.WriteLine("arm,replicate,generation,index,sample");
            for (var a = 0; a < arms; a++)
            {
                for (var g = 0; g <= last; g++)
                {
                    for (var i = 0; i < (texts?.Count ?? previewsPerGeneration); i++)
                    {
                        var sample = texts is null
                            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Sin(i * 1.3 + g) * Math.Pow(0.97, g):R} {Math.Cos(i * 0.7) * Math.Pow(0.97, g):R}")
                            : texts[i];
                        w.WriteLine($"{CsvExporter.Quote(armNames[a])},0,{g},{i},{CsvExporter.Quote(sample)}");
                    }
                }
            }
        }
        using (var w = Writer(folder.File("sample_values.csv")))
        {
            w.WriteLine("arm,replicate,generation,name,index,value");
            for (var a = 0; a < arms; a++)
            {
                for (var g = 0; g <= last; g++)
                {
                    for (var i = 0; i < valuesPerGeneration; i++)
                    {
                        var value = i == 0 && g > 0 ? double.PositiveInfinity : Math.Exp(1 + 8.0 * i / valuesPerGeneration + 0.01 * g);
                        w.WriteLine($"{CsvExporter.Quote(armNames[a])},0,{g},perplexity,{i},{Numbers.Format(value)}");
                    }
                }
            }
        }
        return folder;
    }

    private static StreamWriter Writer(string path) => new(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
}
