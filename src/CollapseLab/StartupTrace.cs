namespace CollapseLab;

// TEMPORARY profiling aid (removed before the branch is done).
public static class StartupTrace
{
    private static readonly bool On = Environment.GetEnvironmentVariable("COLLAPSELAB_STARTUP_TRACE") == "1";
    private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

    public static void Mark(string what)
    {
        if (On)
        {
            var p = System.Diagnostics.Process.GetCurrentProcess();
            var start = (DateTime.Now - p.StartTime).TotalSeconds;
            Console.Error.WriteLine($"trace {what}: wall-since-start {start:F3} s, cpu {p.TotalProcessorTime.TotalSeconds:F3} s, jit methods {System.Runtime.JitInfo.GetCompiledMethodCount()}, jit time {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F3} s");
        }
    }
}
