using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CollapseLab.Data.Text;
using CollapseLab.Detection;
using CollapseLab.Families.Language;
using CollapseLab.Specs;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

/// <summary>`collapse detect`: the watermark z-test over texts from a file (one per line) or a run's saved samples.</summary>
internal static class DetectCommand
{
    public static Command Build()
    {
        var input = new Argument<string>("input") { Description = "A UTF-8 file with one text per line, or a run folder or id (its samples.csv)." };
        var key = new Option<ulong>("--key", "-k") { Description = "The watermark key.", DefaultValueFactory = _ => Watermark.DefaultKey };
        var gamma = new Option<double>("--gamma") { Description = "Green share γ in (0, 1).", DefaultValueFactory = _ => 0.25 };
        var window = new Option<int>("--window", "-w") { Description = "Previous tokens that seed the green list (≥ 1).", DefaultValueFactory = _ => 1 };
        var dedup = new Option<bool>("--dedup") { Description = "Score each repeated (context window, token) pair once per text." };
        var prompt = new Option<int>("--prompt") { Description = "Leading tokens of each text that are a prompt: context, not scored.", DefaultValueFactory = _ => 0 };
        var tokenizer = new Option<string?>("--tokenizer", "-t") { Description = "word or char (trained on the file's texts), or a run folder or id whose tokenizer to use (default: the run's own for a run, else word)." };
        var format = new Option<string>("--format") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var runs = CommonOptions.Runs();
        var command = new Command("detect", "Score texts for a green-list watermark (Kirchenbauer et al. 2023): z, one-sided p and the scored token count T per text.")
        {
            input, key, gamma, window, dedup, prompt, tokenizer, format, runs,
        };
        command.SetAction(parsed =>
        {
            var g = parsed.GetValue(gamma);
            if (!(g > 0 && g < 1))
            {
                throw new CommandLineException($"--gamma must be between 0 and 1 (exclusive), got {g.ToString(CultureInfo.InvariantCulture)}.");
            }
            var w = parsed.GetValue(window);
            if (w < 1)
            {
                throw new CommandLineException($"--window must be at least 1, got {w}.");
            }
            var promptLength = parsed.GetValue(prompt);
            if (promptLength < 0)
            {
                throw new CommandLineException($"--prompt must be 0 or more tokens, got {promptLength}.");
            }
            var runsDirectory = parsed.GetValue(runs)!;
            var texts = ReadTexts(parsed.GetValue(input)!, runsDirectory, out var run);
            var chosen = parsed.GetValue(tokenizer) ?? (run is null ? "word" : run.Path);
            var tokens = Tokenize(chosen, texts.Select(t => t.Text).ToList(), runsDirectory);
            var green = new GreenList(new Watermark(g, 0, parsed.GetValue(key), w), tokens.VocabularySize);
            var scores = texts.Select(t =>
            {
                // A fresh scorer per text: dedup applies within a text, so each text's p-value stands alone.
                var score = new WatermarkScorer(green, parsed.GetValue(dedup)).Score(tokens.Encode(t.Text), promptLength);
                return (t.Label, t.Text, Score: score);
            }).ToList();
            var output = parsed.InvocationConfiguration.Output;
            if (parsed.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(scores.Select(s => new Dictionary<string, object>
                {
                    ["text"] = s.Label,
                    ["z"] = s.Score.Z,
                    ["p"] = s.Score.P,
                    ["scored"] = s.Score.Scored,
                    ["green"] = s.Score.Green,
                })));
                return CollapseCli.Ok;
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{tokens.Describe()}; γ' = {green.Size}/{green.VocabularySize} = {green.Fraction:G4}, window {w}, dedup {(parsed.GetValue(dedup) ? "on" : "off")}"));
            var width = Math.Max(4, scores.Max(s => Excerpt(s.Label).Length));
            output.WriteLine($"{"text".PadRight(width)} {"T",7} {"green",7} {"z",9} {"p",10}  excerpt");
            foreach (var (label, text, score) in scores)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Excerpt(label).PadRight(width)} {score.Scored,7} {score.Green,7} {score.Z,9:F3} {score.P,10:G3}  {Excerpt(text)}"));
            }
            return CollapseCli.Ok;
        });
        return command;
    }

    /// <summary>The texts with a label each: "line N" for a file, "arm/r/g/i" for a run's samples.csv.</summary>
    private static List<(string Label, string Text)> ReadTexts(string input, string runsDirectory, out RunFolder? run)
    {
        run = File.Exists(input) ? null : RunFolder.Find(input, runsDirectory);
        if (run is null)
        {
            if (!File.Exists(input))
            {
                throw new CommandLineException($"{input}: no such file, and no run of that name under {runsDirectory}/. Give a text file (one text per line) or a run folder or id.");
            }
            var lines = File.ReadAllLines(input);
            for (var i = 0; i < lines.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(lines[i]))
                {
                    throw new CommandLineException($"{input}: line {i + 1} is empty; a text to score needs at least one token. Remove the line.");
                }
            }
            return lines.Length == 0
                ? throw new CommandLineException($"{input}: the file is empty; give one text per line.")
                : lines.Select((text, i) => ($"line {i + 1}", text)).ToList();
        }
        var samples = run.File("samples.csv");
        if (!File.Exists(samples))
        {
            throw new RunFolderException($"{run.Path}: no samples.csv, so no saved samples to score. Runs of text families save previews (output.previews) there.");
        }
        return CsvRecords.Read(samples).Where(f => f.Length >= 5 && f[4].Length > 0)
            .Select(f => ($"{f[0]}/{f[1]}/{f[2]}/{f[3]}", f[4])).ToList();
    }

    private static Tokenizer Tokenize(string chosen, IReadOnlyList<string> texts, string runsDirectory)
    {
        if (chosen is "word" or "char")
        {
            return new TokenizerSpec(chosen, 0, false, null, null, null).Build(texts).Tokenizer;
        }
        var folder = RunFolder.Find(chosen, runsDirectory)
            ?? throw new CommandLineException($"--tokenizer {chosen}: unknown tokenizer; use word or char, or a run folder or id whose tokenizer to use.{Suggestions.DidYouMean(chosen, ["word", "char"])}");
        var spec = SpecLoader.Load(SpecParser.ParseFile(folder.File(RunFolder.SpecFile)), folder.Path);
        return spec.Arms[0].Data is TextData text
            ? text.Tokenizer
            : throw new CommandLineException($"--tokenizer {chosen}: that run's data is {spec.Arms[0].Data.Describe()}, not text, so it has no tokenizer.");
    }

    /// <summary>The first characters of an untrusted text with control characters replaced, for the terminal.</summary>
    private static string Excerpt(string text)
    {
        var cut = text.Length > 40 ? text[..40] + "…" : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? '·' : c));
    }
}
