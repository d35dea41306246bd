using CollapseLab.Specs;
using CollapseLab.Tensors.Models.Pretrained;

namespace CollapseLab.Families.Transformer;

/// <summary>
/// Writes a fine-tuned pretrained model as a Hugging Face folder: config.json, model.safetensors (F32, the
/// architecture's names and layout) and the tokenizer files of the checkpoint it came from, so PyTorch and
/// transformers load it without conversion. The folder is built beside the target and moved into place.
/// </summary>
public static class PretrainedExport
{
    /// <summary>The files besides the weights that a checkpoint folder may carry and an export copies.</summary>
    public static readonly string[] TokenizerFiles =
        ["vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"];

    /// <param name="overwrite">Replace an existing folder (a run's own generation folder on resume); otherwise one is refused.</param>
    public static void Write(TransformerModel model, string folder, bool overwrite)
    {
        if (model.Network is not PretrainedLm lm || model.PretrainedConfig is not { } config)
        {
            throw new SpecException("this transformer was trained from scratch in CollapseLab's own format; only models fine-tuned from model.pretrained export as a Hugging Face folder (its weights are already nanoGPT-named safetensors).");
        }

        var full = Path.GetFullPath(folder);
        if (!overwrite && (File.Exists(full) || (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())))
        {
            throw new SpecException($"{full} already exists and is not empty; give a new folder to export to.");
        }

        var temporary = full + ".tmp";
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }

        HfCheckpoint.Save(lm, config, temporary);
        if (model.PretrainedFolder is { } source && Directory.Exists(source))
        {
            foreach (var name in TokenizerFiles)
            {
                var file = Path.Combine(source, name);
                if (File.Exists(file))
                {
                    File.Copy(file, Path.Combine(temporary, name));
                }
            }
        }

        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }

        Directory.Move(temporary, full);
    }
}
