using System.Runtime.CompilerServices;

namespace CollapseLab.Tests.Families.Transformer.Pretrained;

/// <summary>The tiny checkpoints of Fixtures/pretrained (written by its make_fixtures.py), and copies to break.</summary>
internal static class PretrainedFixtures
{
    public static readonly string[] Architectures = ["gpt2", "opt", "llama"];

    public static string Folder(string name) => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "..", "Fixtures", "pretrained", name));

    /// <summary>A fresh copy of a fixture folder in a temporary directory.</summary>
    public static string Copy(string name)
    {
        var target = Directory.CreateTempSubdirectory("collapselab-pretrained-" + name).FullName;
        foreach (var file in Directory.GetFiles(Folder(name)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
