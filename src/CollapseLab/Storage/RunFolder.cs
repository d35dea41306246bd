using CollapseLab.Running;

namespace CollapseLab.Storage;

/// <summary>
/// One run's folder: runs/&lt;name&gt;-&lt;UTC time&gt;/ holding the resolved spec, run.json (status), the chain
/// log and checkpoints while running, and the exported results once complete.
/// </summary>
public sealed class RunFolder
{
    public const string SpecFile = "spec.yaml";
    public const string InfoFile = "run.json";

    public RunFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Chains = new ChainLog(File("chains.bin"));
    }

    public string Path { get; }

    public string Id => System.IO.Path.GetFileName(Path);

    public ChainLog Chains { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    private string CheckpointDirectory => File("checkpoints");

    /// <summary>Where families that save their models put arm <paramref name="arm"/>'s (first replicate only).</summary>
    public string ModelDirectory(int arm) => System.IO.Path.Combine(Path, "models", $"arm{arm}");

    /// <summary>Where a warm-started chain other than replicate 0 keeps the models it resumes from; removed with its checkpoint.</summary>
    public string ResumeModelDirectory(int arm, int replicate) =>
        System.IO.Path.Combine(CheckpointDirectory, "models", $"arm{arm}-rep{replicate}");

    /// <summary>Creates a new, uniquely named folder under <paramref name="runsDirectory"/>.</summary>
    public static RunFolder Create(string runsDirectory, string name, DateTime utcNow)
    {
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        var stem = $"{safe}-{utcNow:yyyyMMdd-HHmmss}";
        var path = System.IO.Path.Combine(runsDirectory, stem);
        for (var i = 2; Directory.Exists(path); i++)
        {
            path = System.IO.Path.Combine(runsDirectory, $"{stem}-{i}");
        }
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    /// <summary>A run by folder path, or by id under <paramref name="runsDirectory"/>.</summary>
    public static RunFolder? Find(string run, string runsDirectory)
    {
        foreach (var candidate in new[] { run, System.IO.Path.Combine(runsDirectory, run) })
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(candidate, SpecFile)))
            {
                return new RunFolder(candidate);
            }
        }
        return null;
    }

    private string CheckpointPath(int arm, int replicate) =>
        System.IO.Path.Combine(CheckpointDirectory, $"arm{arm}-rep{replicate}.bin");

    public void SaveCheckpoint(ChainState state)
    {
        Directory.CreateDirectory(CheckpointDirectory);
        AtomicFile.Write(CheckpointPath(state.Result.Arm, state.Result.Replicate), s =>
        {
            using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
            state.Write(w);
        });
    }

    public bool HasCheckpoint(int arm, int replicate) => System.IO.File.Exists(CheckpointPath(arm, replicate));

    public ChainState? LoadCheckpoint(int arm, int replicate)
    {
        var path = CheckpointPath(arm, replicate);
        if (!System.IO.File.Exists(path))
        {
            return null;
        }
        using var r = new BinaryReader(System.IO.File.OpenRead(path));
        return ChainState.Read(r);
    }

    public void DeleteCheckpoint(int arm, int replicate)
    {
        var path = CheckpointPath(arm, replicate);
        if (System.IO.File.Exists(path))
        {
            System.IO.File.Delete(path);
        }
        var models = ResumeModelDirectory(arm, replicate);
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    public void DeleteCheckpoints()
    {
        if (Directory.Exists(CheckpointDirectory))
        {
            Directory.Delete(CheckpointDirectory, recursive: true);
        }
    }
}
