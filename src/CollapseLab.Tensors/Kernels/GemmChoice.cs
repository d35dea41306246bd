using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// What <see cref="GemmKind.Auto"/> resolves to on this machine: the faster of managed and OpenBLAS on the shapes
/// the network fits use (batch × width products, 64–512, in the three layouts of a training step, on one thread and
/// on all cores), measured once and cached per machine, so every later run takes the same implementation (and so the
/// same bits, which never depend on the thread count) without measuring again. Without OpenBLAS it is managed.
/// <see cref="Reason"/> says how it was decided, for run.json.
/// </summary>
public sealed record GemmChoice(GemmKind Kind, string Reason)
{
    /// <summary>Where the measured choices are kept (default: $XDG_CACHE_HOME or ~/.cache, collapselab/gemm-choice.tsv).</summary>
    public const string CacheVariable = "COLLAPSELAB_GEMM_CACHE";

    private static readonly Lazy<GemmChoice> Resolved = new(() => Resolve(CachePath()));

    /// <summary>This machine's choice: from the cache, else measured now (a fraction of a second) and cached.</summary>
    public static GemmChoice Machine => Resolved.Value;

    /// <summary>The choice recorded in <paramref name="path"/> for this machine, else measured now and appended there.</summary>
    public static GemmChoice Resolve(string path)
    {
        if (!OpenBlasGemm.IsAvailable)
        {
            return new(GemmKind.Managed, "auto: OpenBLAS is not installed, so managed");
        }
        var key = MachineKey();
        if (Read(path, key) is { } cached)
        {
            return cached;
        }
        var (managed1, openBlas1) = Measure(1);
        var (managedAll, openBlasAll) = Measure(Environment.ProcessorCount);
        var (managed, openBlas) = (managed1 + managedAll, openBlas1 + openBlasAll);
        var kind = managed <= openBlas ? GemmKind.Managed : GemmKind.OpenBlas;
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"auto: {Gemm.KindName(kind)} measured faster on training shapes (managed {managed * 1e3:F2} ms, openblas {openBlas * 1e3:F2} ms a round) on {DateTime.UtcNow:yyyy-MM-dd}; cached in {path}");
        Write(path, key, kind, reason);
        return new(kind, reason);
    }

    /// <summary>
    /// Seconds per round of a training step's product shapes (y = x·Wᵀ, dx = dy·W, dW = dyᵀ·x) for each
    /// implementation: the two alternate, and each keeps its fastest of several rounds, so a burst of load on
    /// shared cores hurts neither more than the other.
    /// </summary>
    private static (double Managed, double OpenBlas) Measure(int threads)
    {
        IGemm[] gemms = [new ManagedGemm(threads), OpenBlasGemm.TryCreate(threads)!];
        (int Rows, int Width)[] shapes = [(64, 128), (256, 256), (128, 512)];
        var best = new[] { double.MaxValue, double.MaxValue };
        var rng = new System.Random(1);
        var buffers = shapes.Select(s => (X: Fill(s.Rows * s.Width, rng), W: Fill(s.Width * s.Width, rng), Y: new float[s.Rows * s.Width])).ToArray();
        for (var round = 0; round < 7; round++)
        {
            for (var g = 0; g < gemms.Length; g++)
            {
                var clock = Stopwatch.StartNew();
                for (var s = 0; s < shapes.Length; s++)
                {
                    var (rows, width) = shapes[s];
                    var (x, w, y) = buffers[s];
                    gemms[g].Sgemm(false, true, rows, width, width, 1, x, width, w, width, 0, y, width);
                    gemms[g].Sgemm(false, false, rows, width, width, 1, y, width, w, width, 0, x, width);
                    gemms[g].Sgemm(true, false, width, width, rows, 1, y, width, x, width, 0, w, width);
                }
                // The first round warms both up (JIT, pages); it still counts only if it is the fastest.
                best[g] = Math.Min(best[g], clock.Elapsed.TotalSeconds);
            }
        }
        return (best[0], best[1]);
    }

    private static float[] Fill(int length, System.Random rng)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(rng.NextDouble() - 0.5) * 0.1f;
        }
        return values;
    }

    /// <summary>CPU model, core count, vector width and OpenBLAS file: what decides which GEMM is faster.</summary>
    private static string MachineKey()
    {
        var model = "unknown cpu";
        try
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? model;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return $"{model}|cores={Environment.ProcessorCount}|avx512={Avx512F.IsSupported}|openblas={OpenBlasGemm.LibraryPath}";
    }

    private static string CachePath()
    {
        if (Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "collapselab", "gemm-choice.tsv");
    }

    /// <summary>Lines of key, kind, reason, tab-separated; a line that does not parse is ignored (and re-measured).</summary>
    private static GemmChoice? Read(string path, string key)
    {
        try
        {
            foreach (var line in File.Exists(path) ? File.ReadAllLines(path) : [])
            {
                var fields = line.Split('\t');
                if (fields.Length == 3 && fields[0] == key && fields[1] is "managed" or "openblas")
                {
                    return new(Gemm.ParseKind(fields[1]), fields[2]);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>Appends the choice; a cache that cannot be written only means measuring again next time.</summary>
    private static void Write(string path, string key, GemmKind kind, string reason)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, $"{key}\t{Gemm.KindName(kind)}\t{reason}\n");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
