namespace CollapseLab.Families;

/// <summary>A model that can be written as a Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer files).</summary>
public interface IHuggingFaceExport
{
    /// <summary>Why this model cannot be exported (e.g. it was trained from scratch in CollapseLab's own format), or null.</summary>
    string? ExportUnavailable { get; }

    /// <summary>Writes the folder; an existing non-empty folder is refused.</summary>
    void ExportTo(string folder);
}
