using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Metrics.Images;
using CollapseLab.Reports;
using CollapseLab.Random;
using CollapseLab.Specs;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

internal static class SampleCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "Run folder or id (see 'collapse list')." };
        var arm = new Option<string?>("--arm", "-a") { Description = "Arm whose model to sample (default: the first)." };
        var generation = new Option<int?>("--generation", "-g") { Description = "Generation whose saved model to sample (default: the last saved)." };
        var count = new Option<int>("--count", "-n") { Description = "How many samples to draw.", DefaultValueFactory = _ => 8 };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the sample stream (default: the run's seed, which redraws the run's own first samples of that generation)." };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature > 0 (default: the arm's)." };
        var topK = new Option<int?>("--top-k") { Description = "Keep the k likeliest tokens; 0 keeps all (default: the arm's)." };
        var topP = new Option<double?>("--top-p") { Description = "Keep the smallest set of tokens holding probability ≥ p, in (0, 1] (default: the arm's)." };
        var beam = new Option<int?>("--beam") { Description = "Beam width; 1 draws at random, more keeps the likeliest sequences (default: the arm's)." };
        var maxLength = new Option<int?>("--max-length") { Description = "New tokens per sample (default: the arm's, else the data's block length)." };
        var format = new Option<string>("--format") { Description = "text (numbered blocks) or json (an array of strings; for images, the PNG's path).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var png = new Option<string?>("--output", "-o") { Description = "PNG file for image samples, drawn as a grid (default: <run>/samples/<arm>-gen<g>.png)." };
        var threads = new Option<int>("--threads", "-j") { Description = "Threads for sampling; the samples are identical for any count.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var runs = CommonOptions.Runs();
        var command = new Command("sample", "Draw samples from a model a run saved (a transformer, vae or diffusion run with model.save_models: true): text is printed, images are written as a PNG grid.")
        {
            run, arm, generation, count, seed, temperature, topK, topP, beam, maxLength, format, png, threads, runs,
        };
        command.SetAction(parsed =>
        {
            var folder = ReportCommand.Find(parsed.GetValue(run)!, parsed.GetValue(runs)!);
            var n = parsed.GetValue(count);
            if (n < 1)
            {
                throw new CommandLineException($"--count must be at least 1, got {n}.");
            }
            var overrides = new List<(string, string, SourceLocation)>();
            void Override<T>(Option<T?> option, string key)
                where T : struct, IFormattable
            {
                if (parsed.GetValue(option) is { } value)
                {
                    var text = value.ToString(null, CultureInfo.InvariantCulture);
                    overrides.Add((key, text, new SourceLocation($"{option.Name} {text}", 0, 0)));
                }
            }
            Override(temperature, "sampling.temperature");
            Override(topK, "sampling.top_k");
            Override(topP, "sampling.top_p");
            Override(beam, "sampling.beam");
            Override(maxLength, "sampling.max_length");

            var threadCount = parsed.GetValue(threads);
            if (threadCount < 1)
            {
                throw new SpecException($"--threads must be at least 1, got {threadCount}.");
            }
            var compute = CommonOptions.Compute(threadCount);
            var error = parsed.InvocationConfiguration.Error;
            var work = Task.Run(() =>
            {
                // Entered before the model is read: a loaded model runs on the compute current when it is read.
                using var scope = compute.Enter();
                var saved = SavedModel.Open(folder, parsed.GetValue(arm), parsed.GetValue(generation), overrides);
                var key = new StreamKey(parsed.GetValue(seed) ?? saved.Spec.Seed, 0, saved.Generation, Purpose.Sample);
                return (saved, key.Seed, Batch: saved.Model.Sample(n, key, threadCount));
            });
            var (opened, usedSeed, batch) = WaitReporting(work, error, $"sampling {n} from {folder.Id}");
            var output = parsed.InvocationConfiguration.Output;
            var heading = $"{folder.Id}: arm '{opened.Arm.Name}', generation {opened.Generation} of {opened.Spec.Generations}, seed {usedSeed}";
            if (opened.Arm.Data is ImageData images)
            {
                var path = Path.GetFullPath(parsed.GetValue(png) ?? Path.Combine(folder.File("samples"), $"{opened.Arm.Name}-gen{opened.Generation}.png"));
                WriteGrid(path, (RowBatch)batch, images);
                output.WriteLine(parsed.GetValue(format) == "json"
                    ? System.Text.Json.JsonSerializer.Serialize(new[] { path })
                    : $"{heading}\n{batch.Count} images as a grid: {path}");
                return CollapseCli.Ok;
            }
            if (parsed.GetValue(png) is not null)
            {
                throw new SpecException($"--output writes image samples, but arm '{opened.Arm.Name}' samples {opened.Arm.Data.Describe()}; drop --output.");
            }
            var texts = Enumerable.Range(0, batch.Count).Select(batch.Preview).ToList();
            if (parsed.GetValue(format) == "json")
            {
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(texts));
                return CollapseCli.Ok;
            }
            output.WriteLine(heading);
            for (var i = 0; i < texts.Count; i++)
            {
                output.WriteLine();
                output.WriteLine($"--- sample {i + 1} ---");
                output.WriteLine(texts[i]);
            }
            return CollapseCli.Ok;
        });
        return command;
    }

    /// <summary>Draws the images as a grid of <see cref="SampleGrids.Columns"/> per row into a PNG at <paramref name="path"/>.</summary>
    private static void WriteGrid(string path, RowBatch batch, ImageData images)
    {
        var rows = Enumerable.Range(0, batch.Count).Select(i => batch.Row(i).ToArray()).ToList();
        var (pixels, width, height) = SampleGrids.Grid(rows, images.Width, images.Height);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        PngWriter.Write(temporary, pixels, width, height);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Waits for <paramref name="work"/>; if it takes more than a second, says so on stderr every few seconds.</summary>
    private static T WaitReporting<T>(Task<T> work, TextWriter error, string what)
    {
        var clock = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
        // WaitAny rather than Wait: a failed task's bad-input exception must surface unwrapped, for exit code 2.
        while (Task.WaitAny([work], 200) < 0)
        {
            if (clock.Elapsed - reported >= TimeSpan.FromSeconds(reported == TimeSpan.Zero ? 1 : 5))
            {
                reported = clock.Elapsed;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: loading data and model, sampling… {clock.Elapsed:mm\\:ss} elapsed"));
            }
        }
        return work.GetAwaiter().GetResult();
    }
}
