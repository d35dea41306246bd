using System.Diagnostics;
using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Summaries;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Running;

/// <summary>
/// One execution of an experiment into a run folder and the SQLite index: created only after the spec is valid
/// and the data loaded, marked running, then complete (results exported) or stopped (resumable).
/// </summary>
public sealed class RunSession
{
    private readonly SqliteIndex _index;
    private readonly string _specYaml;
    private RunInfo _info;

    private RunSession(ExperimentSpec spec, RunFolder folder, SqliteIndex index, RunInfo info, Compute compute, RunnerOptions? options)
    {
        Spec = spec;
        Folder = folder;
        _index = index;
        _info = info;
        _specYaml = File.ReadAllText(folder.File(RunFolder.SpecFile));
        Runner = new ExperimentRunner(spec, folder, compute)
        {
            CheckpointInterval = options?.CheckpointInterval ?? TimeSpan.FromSeconds(10),
            AfterGeneration = options?.AfterGeneration,
        };
    }

    public ExperimentSpec Spec { get; }

    public RunFolder Folder { get; }

    public ExperimentRunner Runner { get; }

    public RunSummary? Summary { get; private set; }

    public string Status => _info.Status;

    /// <summary>Hooks run after results are exported, e.g. the HTML report.</summary>
    public static List<Action<RunFolder, RunSummary>> AfterComplete { get; } = [Metrics.Images.SampleGrids.Write];

    /// <summary>Starts a run on <paramref name="threads"/> threads with the default GEMM (OpenBLAS when it loads).</summary>
    public static RunSession Start(ExperimentSpec spec, string runsDirectory, int threads, RunnerOptions? options = null) =>
        Start(spec, runsDirectory, new Compute(GemmKind.Auto, threads), options);

    /// <summary>Starts a run whose chains share <paramref name="compute"/>'s threads and use its GEMM.</summary>
    public static RunSession Start(ExperimentSpec spec, string runsDirectory, Compute compute, RunnerOptions? options = null)
    {
        var threads = compute.Threads;
        var folder = RunFolder.Create(runsDirectory, spec.Name, DateTime.UtcNow);
        var yaml = $"# Resolved spec of run {folder.Id}: every default and seed filled in. Rerun it with 'collapse run {RunFolder.SpecFile}'.\n"
            + ResolvedYaml.Write(spec.Resolved);
        AtomicFile.WriteText(folder.File(RunFolder.SpecFile), yaml);
        var info = new RunInfo { Id = folder.Id, Name = spec.Name, Status = "running", Started = DateTime.UtcNow, Threads = threads };
        info.Save(folder);
        var index = new SqliteIndex(runsDirectory);
        var session = new RunSession(spec, folder, index, info, compute, options);
        index.RecordRun(info, folder, session._specYaml, spec);
        return session;
    }

    public static RunSession Resume(RunFolder folder, string runsDirectory, int threads, RunnerOptions? options = null) =>
        Resume(folder, runsDirectory, new Compute(GemmKind.Auto, threads), options);

    public static RunSession Resume(RunFolder folder, string runsDirectory, Compute compute, RunnerOptions? options = null)
    {
        var threads = compute.Threads;
        var spec = SpecLoader.LoadFile(folder.File(RunFolder.SpecFile));
        var info = RunInfo.Load(folder) ?? throw new SpecException($"{folder.Path}: no {RunFolder.InfoFile}; this folder is not a CollapseLab run.");
        if (info.Status == "complete")
        {
            throw new SpecException($"{folder.Path}: this run is already complete; nothing to resume. Start a new one with 'collapse run {folder.File(RunFolder.SpecFile)}'.");
        }
        info = info with { Status = "running", Threads = threads };
        info.Save(folder);
        return new RunSession(spec, folder, new SqliteIndex(runsDirectory), info, compute, options);
    }

    /// <summary>Runs what is left; true when the run completed, false when it was stopped (and can be resumed).</summary>
    public bool Execute(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        ChainResult[]? results;
        try
        {
            results = Runner.Run(cancel);
        }
        catch
        {
            Finish("failed", clock.Elapsed);
            throw;
        }
        if (results is null)
        {
            Finish("stopped", clock.Elapsed);
            return false;
        }
        Summary = new RunSummary(Spec, results);
        CsvExporter.WriteAll(Folder, Summary, results);
        _info = _info with { MetricsFile = CsvExporter.MetricsFileName(Summary) };
        JsonExporter.Write(Folder, _info, Summary);
        _index.RecordResults(_info, Summary);
        Finish("complete", clock.Elapsed);
        Folder.DeleteCheckpoints();
        File.Delete(Folder.File("chains.bin"));
        // After Finish, so hooks (the report) see the run as complete with its timings.
        foreach (var hook in AfterComplete)
        {
            hook(Folder, Summary);
        }
        return true;
    }

    private void Finish(string status, TimeSpan elapsed)
    {
        _info = _info with { Status = status, Finished = DateTime.UtcNow, Seconds = _info.Seconds + elapsed.TotalSeconds };
        _info.Save(Folder);
        _index.RecordRun(_info, Folder, _specYaml, Spec);
    }
}

/// <summary>How often unfinished chains are checkpointed, and a callback after every generation.</summary>
public sealed record RunnerOptions(TimeSpan CheckpointInterval, Action<long>? AfterGeneration = null);
