#:project ../../src/CollapseLab/CollapseLab.csproj
#:property PublishAot=false
// Writes every shard of a sharded run in one process (no start-up per shard), so that `collapse merge DIR` can be
// timed over many shards: dotnet run bench/shards/make-shards.cs -- SPEC SHARDS DIR [--set key=value …]
// (docs/benchmarks.md, "Sharded runs").
using System.Diagnostics;
using CollapseLab.Running.Shards;
using CollapseLab.Specs;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

var spec = SpecLoader.LoadFile(args[0], args.Skip(3).Where(a => a != "--set"));
var shards = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var clock = Stopwatch.StartNew();
for (var i = 0; i < shards; i++)
{
    if (!new ShardRun(spec, args[2], i, shards, new Compute(GemmKind.Managed, 1)).Execute(CancellationToken.None))
    {
        throw new InvalidOperationException($"shard {i} stopped");
    }
}
Console.WriteLine($"{shards} shards of {spec.ChainCount} chains written in {clock.Elapsed.TotalSeconds:F1} s");
