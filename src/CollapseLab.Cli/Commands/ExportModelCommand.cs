using System.CommandLine;
using CollapseLab.Families;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

/// <summary><c>collapse export-model RUN --arm A --generation G --out DIR</c>: a saved generation as a Hugging Face folder.</summary>
internal static class ExportModelCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "Run folder or id (see 'collapse list')." };
        var arm = new Option<string?>("--arm", "-a") { Description = "Arm whose model to export (default: the first)." };
        var generation = new Option<int?>("--generation", "-g") { Description = "Generation whose saved model to export (default: the last saved)." };
        var output = new Option<string>("--out", "-o") { Description = "Folder to write (must not exist or be empty).", Required = true };
        var runs = CommonOptions.Runs();
        var command = new Command("export-model", "Write a saved generation's model (fine-tuned from model.pretrained, with model.save_models: true) as a Hugging Face folder: config.json, model.safetensors and the tokenizer files, loadable by PyTorch and transformers.")
        {
            run, arm, generation, output, runs,
        };
        command.SetAction(parsed =>
        {
            var folder = ReportCommand.Find(parsed.GetValue(run)!, parsed.GetValue(runs)!);
            using var scope = CommonOptions.Compute(1).Enter();
            var saved = SavedModel.Open(folder, parsed.GetValue(arm), parsed.GetValue(generation), []);
            if (saved.Model is not IHuggingFaceExport export || export.ExportUnavailable is { } why)
            {
                throw new CommandLineException($"arm '{saved.Arm.Name}' generation {saved.Generation} cannot be exported: {(saved.Model is IHuggingFaceExport e ? e.ExportUnavailable : $"family '{saved.Arm.Family.Name}' has no Hugging Face layout")}.");
            }
            var target = Path.GetFullPath(parsed.GetValue(output)!);
            export.ExportTo(target);
            parsed.InvocationConfiguration.Output.WriteLine($"{folder.Id}: arm '{saved.Arm.Name}', generation {saved.Generation} written to {target}");
            return CollapseCli.Ok;
        });
        return command;
    }
}
