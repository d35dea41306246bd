using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is listed; pick with --filter, e.g. --filter '*Gaussian*'.
// Five harnesses measure like the Python peers do (repeat for a time budget, report the median), without
// BenchmarkDotNet's process-per-benchmark setup:
//   --loop-throughput [seconds] [case]   the Gaussian loop's samples/s per case (../shared/peers/gaussian_recursion.py)
//   ngram-cpu [rounds]                   n-gram fit and sampling phases on the King James text (../shared/peers/ngram.py)
//   sgemm [seconds]                      managed vs OpenBLAS SGEMM, n = 256..2048, interleaved medians
//   trainstep [seconds]                  VAE and transformer training steps, OpenBLAS vs managed, interleaved medians
//   curation [rounds]                    curation steps at the sizes (near-dedup, MinHash, matching)
//   watermark [rounds]                   watermarked vs plain trigram sampling, and z-test throughput, on the King James text
//   denoiser [seconds]                   diffusion denoiser training and sampling steps (bench/peers/diffusion_torch.py)
//   pretrained [seconds]                 a 124M GPT-2-shaped checkpoint: fine-tuning and KV-cached decoding (bench/peers/pretrained_torch.py)
//   kde-bound [seconds]                  exp throughput (the bound) and KDE kernel evaluations/s end to end, with a bits fingerprint
//   em [seconds]                         one EM iteration, d = 2 and 10, 1 and 2 threads, with a bits fingerprint (../shared/peers/gmm_em.py)
//   growth [chains] [case] [policy]      CPU ms per generation at g = 10, 100, 1000 by family and policy (Growth/)
//   growth-axes [runs] [family] [axis]   CPU s of a run against generations, replicates, n, d, with log-log exponents (Growth/)
switch (args)
{
    case ["--loop-throughput", ..]:
        CollapseLab.Benchmarks.Gaussian.LoopThroughput.Print(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, args.Length > 2 ? args[2] : null);
        break;
    case ["ngram-cpu", ..]:
        CollapseLab.Benchmarks.Language.PhaseTimer.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7);
        break;
    case ["sgemm", ..]:
        CollapseLab.Benchmarks.Tensors.SgemmTimer.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2);
        break;
    case ["trainstep", ..]:
        CollapseLab.Benchmarks.Tensors.TrainStepTimer.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10);
        break;
    case ["curation", ..]:
        CollapseLab.Benchmarks.Curation.CurationTimer.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
        break;
    case ["watermark", ..]:
        CollapseLab.Benchmarks.Detection.WatermarkTimer.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
        break;
    case ["denoiser", ..]:
        CollapseLab.Benchmarks.Diffusion.DenoiserStepTimer.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
        break;
    case ["pretrained", ..]:
        CollapseLab.Benchmarks.Transformer.PretrainedTimer.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
        break;
    case ["kde-bound", ..]:
        CollapseLab.Benchmarks.Kde.KdeBoundTimer.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
        break;
    case ["em", ..]:
        CollapseLab.Benchmarks.Mixture.EmTimer.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
        break;
    case ["growth-axes", ..]:
        CollapseLab.Benchmarks.Growth.AxisCost.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, args.Length > 2 ? args[2] : null, args.Length > 3 ? args[3] : null);
        break;
    case ["growth", ..]:
        CollapseLab.Benchmarks.Growth.GenerationCost.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, args.Length > 2 ? args[2] : null, args.Length > 3 ? args[3] : null);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        break;
}
