using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
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
        var format = new Option<string>("--format") { Description = "text (numbered blocks) or json (an array of strings).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var runs = CommonOptions.Runs();
        var command = new Command("sample", "Draw samples from a model a run saved (e.g. a transformer run with model.save_models: true) and print them as text.")
        {
            run, arm, generation, count, seed, temperature, topK, topP, beam, maxLength, format, runs,
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

            var error = parsed.InvocationConfiguration.Error;
            var work = Task.Run(() =>
            {
                var saved = SavedModel.Open(folder, parsed.GetValue(arm), parsed.GetValue(generation), overrides);
                var key = new StreamKey(parsed.GetValue(seed) ?? saved.Spec.Seed, 0, saved.Generation, Purpose.Sample);
                var batch = saved.Model.Sample(n, key, Environment.ProcessorCount);
                return (saved, key.Seed, Texts: Enumerable.Range(0, batch.Count).Select(batch.Preview).ToList());
            });
            var (opened, usedSeed, texts) = WaitReporting(work, error, $"sampling {n} from {folder.Id}");
            var output = parsed.InvocationConfiguration.Output;
            if (parsed.GetValue(format) == "json")
            {
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(texts));
                return CollapseCli.Ok;
            }
            output.WriteLine($"{folder.Id}: arm '{opened.Arm.Name}', generation {opened.Generation} of {opened.Spec.Generations}, seed {usedSeed}");
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
