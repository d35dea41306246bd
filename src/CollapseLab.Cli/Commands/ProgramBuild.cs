using System.Reflection.PortableExecutable;

namespace CollapseLab.Cli.Commands;

/// <summary>
/// The program that submitted shards run (this very one) and whether it is a ReadyToRun build. ReadyToRun
/// assemblies carry precompiled code, so a shard skips most of the JIT's start-up (tiered compilation is off, so the
/// JIT build compiles every method fully optimised before it runs); `scripts/publish.sh` makes one.
/// </summary>
internal static class ProgramBuild
{
    /// <summary>"RTR" (little-endian), the first field of the ReadyToRun header that the CLI header's ManagedNativeHeader points at.</summary>
    private const uint ReadyToRunSignature = 0x00525452;

    /// <summary>This program as a command line: its apphost, or the runtime with its assembly.</summary>
    public static string CommandLine()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(process) == "collapse")
        {
            return Quote(process);
        }
        var runtime = Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        return $"{Quote(runtime)} {Quote(typeof(ProgramBuild).Assembly.Location)}";
    }

    /// <summary>True when the assembly at <paramref name="path"/> holds ReadyToRun code (a crossgen'd image), false for IL only.</summary>
    public static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var header = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory;
        return header is { Size: >= 4 } native && pe.GetSectionData(native.RelativeVirtualAddress).GetReader().ReadUInt32() == ReadyToRunSignature;
    }

    /// <summary>The program's own assemblies (collapse and CollapseLab*), where nearly all of a shard's start-up JIT work is.</summary>
    public static IReadOnlyList<string> OwnAssemblies()
    {
        var folder = Path.GetDirectoryName(typeof(ProgramBuild).Assembly.Location)!;
        return [.. Directory.EnumerateFiles(folder, "*.dll").Where(p => Path.GetFileName(p) is var name && (name == "collapse.dll" || name.StartsWith("CollapseLab", StringComparison.Ordinal))).Order(StringComparer.Ordinal)];
    }

    /// <summary>One line for submit: which build the scripts run, and how to get a ReadyToRun one when it is not.</summary>
    public static string Describe()
    {
        var assemblies = OwnAssemblies();
        var jit = assemblies.Where(a => !IsReadyToRun(a)).Select(Path.GetFileName).ToList();
        var build = jit.Count == 0 ? "a ReadyToRun build"
            : jit.Count == assemblies.Count ? "a JIT build (not ReadyToRun)"
            : $"partly ReadyToRun ({string.Join(", ", jit)} not)";
        return jit.Count == 0
            ? $"shards run {CommandLine()}, {build}."
            : $"shards run {CommandLine()}, {build}: each shard spends about 1 CPU s more starting up. "
                + "For shards of under a few minutes, publish a ReadyToRun build with scripts/publish.sh DIR and submit with DIR/collapse.";
    }

    public static string Quote(string value) => $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
