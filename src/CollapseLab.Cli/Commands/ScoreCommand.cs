using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Families.Transformer;
using CollapseLab.Storage;
using CollapseLab.Tensors.Models.Pretrained;

namespace CollapseLab.Cli.Commands;

/// <summary>
/// <c>collapse score MODEL_DIR|RUN TEXTFILE</c>: the perplexity of each text (a line, or a block of --block tokens)
/// under a model — a Hugging Face folder or a run's saved generation — as Shumailov et al. score generated text
/// under model₀. Each text is read after the boundary token; one longer than the model's context is scored in
/// pieces of the context, each after the boundary.
/// </summary>
internal static class ScoreCommand
{
    public static Command Build()
    {
        var model = new Argument<string>("model") { Description = "A Hugging Face checkpoint folder (config.json …) or a run folder or id whose saved model to use." };
        var text = new Argument<string>("textfile") { Description = "UTF-8 text: one text per line, or (with --block) a stream cut into blocks of tokens." };
        var arm = new Option<string?>("--arm", "-a") { Description = "For a run: the arm (default: the first)." };
        var generation = new Option<int?>("--generation", "-g") { Description = "For a run: the generation (default: the last saved; 0 for model₀)." };
        var block = new Option<int>("--block") { Description = "Score blocks of this many tokens of the whole file instead of lines (0: lines).", DefaultValueFactory = _ => 0 };
        var format = new Option<string>("--format") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var runs = CommonOptions.Runs();
        var command = new Command("score", "Perplexity of each text of a file under a model (a Hugging Face folder or a run's saved generation), as a table or JSON.")
        {
            model, text, arm, generation, block, format, runs,
        };
        command.SetAction(parsed =>
        {
            var path = Path.GetFullPath(parsed.GetValue(text)!);
            if (!File.Exists(path))
            {
                throw new CommandLineException($"{path}: no such text file.");
            }
            var blockLength = parsed.GetValue(block);
            if (blockLength < 0)
            {
                throw new CommandLineException($"--block must be 0 (lines) or a positive token count, got {blockLength}.");
            }
            using var scope = CommonOptions.Compute(1).Enter();
            var (lm, tokenizer, context, what) = Open(parsed.GetValue(model)!, parsed.GetValue(arm), parsed.GetValue(generation), parsed.GetValue(runs)!);
            var contents = File.ReadAllText(path);
            var texts = blockLength == 0
                ? contents.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Select(l => (Text: l, Ids: tokenizer.Encode(l))).ToList()
                : tokenizer.Encode(contents).Chunk(blockLength).Select(ids => (Text: tokenizer.Decode(ids), Ids: ids)).ToList();
            var rows = texts.Select((t, i) => Score(lm, t.Ids, context, i, t.Text)).ToList();
            var (tokens, nll) = (rows.Sum(r => r.Tokens), rows.Sum(r => r.Nll));
            var overall = tokens == 0 ? double.NaN : Math.Exp(nll / tokens);
            var output = parsed.InvocationConfiguration.Output;
            if (parsed.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    model = what,
                    file = path,
                    tokens,
                    perplexity = double.IsFinite(overall) ? overall : (double?)null,
                    texts = rows.Select(r => new { index = r.Index, tokens = r.Tokens, perplexity = double.IsFinite(r.Perplexity) ? r.Perplexity : (double?)null }),
                }));
                return CollapseCli.Ok;
            }
            output.WriteLine($"{what}: {rows.Count} texts, {tokens} tokens, perplexity {Format(overall)} (token-weighted)");
            output.WriteLine("index\ttokens\tperplexity\ttext");
            foreach (var r in rows)
            {
                output.WriteLine($"{r.Index}\t{r.Tokens}\t{Format(r.Perplexity)}\t{Printable(r.Text)}");
            }
            return CollapseCli.Ok;
        });
        return command;
    }

    private sealed record Row(int Index, int Tokens, double Nll, string Text)
    {
        public double Perplexity => Tokens == 0 ? double.NaN : Math.Exp(Nll / Tokens);
    }

    private static (ILanguageModel Model, Tokenizer Tokenizer, int Context, string What) Open(string name, string? arm, int? generation, string runs)
    {
        if (Directory.Exists(name) && File.Exists(Path.Combine(name, HfConfig.FileName)))
        {
            var (model, tokenizer) = TransformerModel.OpenCheckpoint(name);
            return (model, tokenizer, model.Network.Context, Path.GetFullPath(name));
        }
        var folder = ReportCommand.Find(name, runs);
        var saved = SavedModel.Open(folder, arm, generation, []);
        if (saved.Model is not ILanguageModel lm || saved.Arm.Data is not TextData data)
        {
            throw new CommandLineException($"arm '{saved.Arm.Name}' of {folder.Id} is not a language model on text; score needs a text model.");
        }
        return (lm, data.Tokenizer, Math.Max(1, data.BlockLength), $"{folder.Id} arm '{saved.Arm.Name}' generation {saved.Generation}");
    }

    /// <summary>Σ −ln p over the text's tokens, in pieces of at most the context, each read after the boundary.</summary>
    private static Row Score(ILanguageModel lm, int[] ids, int context, int index, string text)
    {
        var nll = 0.0;
        var lp = new double[Math.Min(context, Math.Max(ids.Length, 1))];
        foreach (var piece in ids.Chunk(context))
        {
            lm.LogProbabilities(piece, lp.AsSpan(0, piece.Length));
            for (var i = 0; i < piece.Length; i++)
            {
                nll -= lp[i];
            }
        }
        return new Row(index, ids.Length, nll, text);
    }

    private static string Format(double x) => double.IsFinite(x) ? x.ToString("G6", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The text with control characters shown as \uXXXX and cut to 60 characters: generated text is untrusted.</summary>
    private static string Printable(string s)
    {
        var cut = s.Length > 60 ? s[..60] + "…" : s;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }
}
