using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is listed; pick with --filter, e.g. --filter '*Gaussian*'.
// For the Gaussian loop, `--loop-throughput` prints samples/s per case without BenchmarkDotNet's harness.
if (args is ["--loop-throughput", ..])
{
    CollapseLab.Benchmarks.Gaussian.LoopThroughput.Print(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
