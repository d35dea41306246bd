using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tests.Running;

/// <summary>Auto measures once per machine and then reads its choice back, so later runs take the same GEMM.</summary>
public class GemmChoiceTests
{
    [Fact]
    public void The_choice_is_measured_once_then_read_from_the_cache()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gemm-choice-{Guid.NewGuid():N}.tsv");
        try
        {
            var first = GemmChoice.Resolve(path);
            if (!OpenBlasGemm.IsAvailable)
            {
                Assert.Equal(GemmKind.Managed, first.Kind);
                Assert.False(File.Exists(path));
                return;
            }
            Assert.Contains("measured faster", first.Reason);
            Assert.Single(File.ReadAllLines(path));
            Assert.Equal(first, GemmChoice.Resolve(path));
            // The cache is what decides: a machine's recorded choice is taken as written, without measuring again.
            var other = first.Kind == GemmKind.Managed ? "openblas" : "managed";
            var line = File.ReadAllText(path).Split('\t');
            File.WriteAllText(path, $"{line[0]}\t{other}\trecorded by hand\n");
            Assert.Equal(new GemmChoice(Gemm.ParseKind(other), "recorded by hand"), GemmChoice.Resolve(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
