using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is listed; pick with --filter, e.g. --filter '*Gaussian*'.
if (args.Length > 0 && args[0] == "ngram-cpu") { CollapseLab.Benchmarks.Language.PhaseTimer.Run(); return; }
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
