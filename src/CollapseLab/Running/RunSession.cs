using System.Diagnostics;
using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Summaries;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Running;

/// <summary>
/// One execution of an experiment into a run folder and the index (SQLite, or the team's PostgreSQL): created only after the spec is valid
/// and the data loaded, marked running, then complete (results exported) or stopped (resumable).
/// </summary>
public sealed class RunSession
{
    private readonly IRunIndex _index;
    private readonly string _specYaml;
    private readonly IReadOnlyList<Action<RunFolder, RunSummary>> _afterComplete;
    private RunInfo _info;

    private RunSession(ExperimentSpec spec, RunFolder folder, IRunIndex index, RunInfo info, Compute compute, RunnerOptions? options)
    {
        Spec = spec;
        Folder = folder;
        _index = index;
        _info = info;
        _specYaml = File.ReadAllText(folder.File(RunFolder.SpecFile));
        _afterComplete = options?.AfterComplete ?? [];
        Runner = new ExperimentRunner(spec, folder, compute)
        {
            CheckpointInterval = options?.CheckpointInterval ?? RunnerOptions.DefaultCheckpointInterval,
            AfterGeneration = options?.AfterGeneration,
        };
    }

    public ExperimentSpec Spec { get; }

    public RunFolder Folder { get; }

    public ExperimentRunner Runner { get; }

    public RunSummary? Summary { get; private set; }

    public string Status => _info.Status;

    /// <summary>Starts a run on <paramref name="threads"/> threads with the default GEMM (the faster one here, see GemmChoice).</summary>
    public static RunSession Start(ExperimentSpec spec, string runsDirectory, int threads, RunnerOptions? options = null) =>
        Start(spec, runsDirectory, new Compute(GemmKind.Auto, threads), options);

    /// <summary>Starts a run whose chains share <paramref name="compute"/>'s threads and use its GEMM.</summary>
    /// <param name="index">Where the run is indexed (default: SQLite in <paramref name="runsDirectory"/>).</param>
    public static RunSession Start(ExperimentSpec spec, string runsDirectory, Compute compute, RunnerOptions? options = null, IRunIndex? index = null)
    {
        var threads = compute.Threads;
        var folder = RunFolder.Create(runsDirectory, spec.Name, DateTime.UtcNow);
        var yaml = $"# Resolved spec of run {folder.Id}: every default and seed filled in. Rerun it with 'collapse run {RunFolder.SpecFile}'.\n"
            + ResolvedYaml.Write(spec.Resolved);
        AtomicFile.WriteText(folder.File(RunFolder.SpecFile), yaml);
        var info = new RunInfo { Id = folder.Id, Name = spec.Name, Status = "running", Started = DateTime.UtcNow, Threads = threads, Gemm = compute.Describe() };
        info.Save(folder);
        index ??= new SqliteIndex(runsDirectory);
        var session = new RunSession(spec, folder, index, info, compute, options);
        index.RecordRun(info, folder, session._specYaml, spec);
        return session;
    }

    /// <param name="catalog">The registries the run was started with (default: the built-in ones).</param>
    public static RunSession Resume(RunFolder folder, string runsDirectory, int threads, RunnerOptions? options = null, Extending.Catalog? catalog = null) =>
        Resume(folder, runsDirectory, new Compute(GemmKind.Auto, threads), options, catalog);

    public static RunSession Resume(RunFolder folder, string runsDirectory, Compute compute, RunnerOptions? options = null, Extending.Catalog? catalog = null, IRunIndex? index = null)
    {
        var threads = compute.Threads;
        var spec = SpecLoader.LoadFile(folder.File(RunFolder.SpecFile), catalog: catalog);
        var info = RunInfo.Load(folder) ?? throw new RunFolderException($"{folder.Path}: no {RunFolder.InfoFile}; this folder is not a CollapseLab run.");
        if (info.Status == "complete")
        {
            throw new RunFolderException($"{folder.Path}: this run is already complete; nothing to resume. Start a new one with 'collapse run {folder.File(RunFolder.SpecFile)}'.");
        }
        // Auto on resume keeps the implementation the run started with, so the rest of it has the same bits.
        if (compute.Kind == GemmKind.Auto && info.Gemm is { } gemm && (gemm.StartsWith("managed", StringComparison.Ordinal) || gemm.StartsWith("openblas", StringComparison.Ordinal)))
        {
            compute = new Compute(gemm.StartsWith("managed", StringComparison.Ordinal) ? GemmKind.Managed : GemmKind.OpenBlas, threads);
        }
        info = info with { Status = "running", Threads = threads, Gemm = info.Gemm ?? compute.Describe() };
        info.Save(folder);
        return new RunSession(spec, folder, index ?? new SqliteIndex(runsDirectory), info, compute, options);
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
        _info = _info with { MetricsFile = CsvExporter.MetricsFileName(Summary), CurationSeconds = CurationSeconds(Spec, results) };
        JsonExporter.Write(Folder, _info, Summary);
        _index.RecordResults(_info, Summary);
        Finish("complete", clock.Elapsed);
        Folder.DeleteCheckpoints();
        File.Delete(Folder.File("chains.bin"));
        File.Delete(Folder.File(ProgressLog.FileName));
        // After Finish, so hooks (the report) see the run as complete with its timings.
        foreach (var hook in _afterComplete)
        {
            hook(Folder, Summary);
        }
        return true;
    }

    /// <summary>Each arm's curation steps' time summed over its chains (of this process: a resumed run counts what it ran); null without curation.</summary>
    private static Dictionary<string, double>? CurationSeconds(ExperimentSpec spec, ChainResult[] results)
    {
        var seconds = new Dictionary<string, double>();
        foreach (var chain in results)
        {
            var arm = spec.Arms[chain.Arm];
            for (var k = 0; k < chain.CurationSeconds.Length; k++)
            {
                var key = $"{arm.Name}: {k + 1}. {arm.Curation.Steps[k].Name}";
                seconds[key] = seconds.GetValueOrDefault(key) + chain.CurationSeconds[k];
            }
        }
        return seconds.Count == 0 ? null : seconds;
    }

    private void Finish(string status, TimeSpan elapsed)
    {
        _info = _info with { Status = status, Finished = DateTime.UtcNow, Seconds = _info.Seconds + elapsed.TotalSeconds };
        _info.Save(Folder);
        _index.RecordRun(_info, Folder, _specYaml, Spec);
    }
}

/// <summary>How often unfinished chains are checkpointed, and the caller's callbacks: after every generation, and after the run completes.</summary>
public sealed record RunnerOptions(TimeSpan CheckpointInterval, Action<long>? AfterGeneration = null)
{
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromSeconds(10);

    /// <summary>Run in order once results are exported and the run is marked complete, e.g. the HTML report.</summary>
    public IReadOnlyList<Action<RunFolder, RunSummary>> AfterComplete { get; init; } = [];
}
