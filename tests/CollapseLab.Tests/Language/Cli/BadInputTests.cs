using CollapseLab.Cli;

namespace CollapseLab.Tests.Language.Cli;

/// <summary>Bad language input stops `collapse validate` with exit code 2 and a message naming the place and the fix.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("collapselab-lang").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    private (int Code, string Error) Validate(string data, string model = "{ family: ngram, order: 2 }")
    {
        var spec = Path.Combine(_folder, "spec.yaml");
        System.IO.File.WriteAllText(spec, $"name: bad\ngenerations: 1\ndata: {data}\nmodel: {model}\n");
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = CollapseCli.Run(["validate", spec], output, error);
        return (code, error.ToString());
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private static readonly byte[] Sentences = System.Text.Encoding.UTF8.GetBytes(
        string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"Paragraph {i} says something about the number {i} and the world.")));

    [Theory]
    [InlineData("{ family: ngram, order: 0 }", "model.order", "between 1 and 16")]
    [InlineData("{ family: ngram, sampling: { top_p: 1.5 } }", "model.sampling.top_p", "at most 1")]
    [InlineData("{ family: ngram, sampling: { top_p: 0 } }", "model.sampling.top_p", "greater than 0")]
    [InlineData("{ family: ngram, sampling: { temperature: 0 } }", "model.sampling.temperature", "greater than 0")]
    [InlineData("{ family: ngram, sampling: { temperature: -1 } }", "model.sampling.temperature", "greater than 0")]
    [InlineData("{ family: ngram, sampling: { beam: 3, temperature: 0.5 } }", "model.sampling.beam", "deterministic")]
    [InlineData("{ family: ngram, sampling: { min_length: 9, max_length: 4 } }", "model.sampling.min_length", "between 0 and 4")]
    [InlineData("{ family: categorical, alpha: -1 }", "model.alpha", "at least 0")]
    public void BadModelOptions(string model, string key, string message)
    {
        var (code, error) = Validate("{ source: zipf, vocab: 20, train: 10, test: 10 }", model);
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains(key, error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyCorpus()
    {
        var path = Write("empty.txt", "  \n\n "u8.ToArray());
        var (code, error) = Validate($"{{ source: 'text:{path}' }}");
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryFile()
    {
        var path = Write("image.bin", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]);
        var (code, error) = Validate($"{{ source: 'text:{path}' }}");
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains("binary file (a NUL byte at byte offset 8, line 3)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8SaysWhere()
    {
        var path = Write("latin1.txt", [.. Sentences, (byte)'\n', (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n']);
        var (code, error) = Validate($"{{ source: 'text:{path}' }}");
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains($"invalid UTF-8 at byte offset {Sentences.Length + 4} (line 80", error, StringComparison.Ordinal);
    }

    [Fact]
    public void VocabularySmallerThanTheByteAlphabet()
    {
        var path = Write("ok.txt", Sentences);
        var (code, error) = Validate($"{{ source: 'text:{path}', tokenizer: {{ kind: bpe, vocab_size: 100 }} }}");
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains("data.tokenizer.vocab_size", error, StringComparison.Ordinal);
        Assert.Contains("smaller than the byte alphabet", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockLongerThanTheText()
    {
        var path = Write("ok.txt", Sentences);
        var (code, error) = Validate($"{{ source: 'text:{path}', block: 100000 }}");
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains("lower data.block", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AGoodTextSpecValidates()
    {
        var path = Write("ok.txt", Sentences);
        var (code, error) = Validate($"{{ source: 'text:{path}', block: 8, tokenizer: {{ kind: bpe, vocab_size: 300 }} }}");
        Assert.True(code == CollapseCli.Ok, error);
    }
}
