using System.Text.Json.Nodes;
using CollapseLab.Data.Text;

namespace CollapseLab.Tests.Families.Transformer.Pretrained;

/// <summary>
/// tokenizer.json (byte-level BPE with added special tokens; OPT's with GPT-2's pattern, Llama's with a Split
/// regex) against the ids make_fixtures.py's GPT-2 encoder gives a multilingual text with emoji and special tokens.
/// </summary>
public class PretrainedTokenizerTests
{
    [Theory]
    [InlineData("opt", 300)]
    [InlineData("llama", 299)]
    public void Ids_match_the_reference(string name, int boundary)
    {
        var folder = PretrainedFixtures.Folder(name);
        var tokenizer = PretrainedTokenizer.Load(PretrainedTokenizer.Locate(folder));
        Assert.IsType<TokenizerJson>(tokenizer);
        Assert.Equal(boundary, tokenizer.Boundary);
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_reference.json")))!;
        var text = reference["text"]!.GetValue<string>();
        var expected = reference["ids"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();
        var ids = tokenizer.Encode(text);
        Assert.Equal(expected, ids);
        Assert.Equal(text.Replace(tokenizer.TokenText(boundary), "", StringComparison.Ordinal), tokenizer.Decode(ids));
    }

    [Fact]
    public void A_sentencepiece_tokenizer_is_refused_by_name()
    {
        var copy = PretrainedFixtures.Copy("opt");
        var path = Path.Combine(copy, TokenizerJson.FileName);
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;
        json["model"]!["type"] = "Unigram";
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<CollapseLab.Specs.SpecException>(() => PretrainedTokenizer.Load(PretrainedTokenizer.Locate(copy)));
        Assert.Contains("model.type", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
