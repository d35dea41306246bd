using System.Diagnostics;
using CollapseLab.Data.Text;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// Real text corpora: <c>text:path</c> (a UTF-8 file — documents are its blank-line-separated paragraphs — or a folder
/// whose files are the documents), <c>wikitext:folder</c> (WikiText raw: wiki.train.raw / wiki.test.raw, one document
/// per "= Title =" article, the corpus's own split) and <c>kjv</c> (the King James Bible from Debian's bible-kjv, one
/// document per chapter). Keys: block (tokens per sequence, 64), train (blocks in each replicate's pool; default all),
/// test (share of documents held out, 0.1), tokenizer.
/// </summary>
public static class TextSources
{
    public static Func<ulong, ExperimentData> ReadText(SpecReader data, string path, string baseDirectory)
    {
        var full = SourcePaths.Resolve(path, baseDirectory);
        data.Resolved["source"] = $"text:{full}";
        TextCorpus corpus;
        if (Directory.Exists(full))
        {
            var files = Directory.GetFiles(full, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
            {
                throw data.Error("source", $"{full} holds no files; put UTF-8 text files in it.");
            }
            corpus = new TextCorpus(Path.GetFileName(full), files.Select(TextFiles.Read).ToList());
        }
        else
        {
            var text = TextFiles.Read(full);
            var paragraphs = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                .Where(p => p.Trim().Length > 0).ToList();
            corpus = new TextCorpus(Path.GetFileName(full), paragraphs);
        }
        return Blocks(data, corpus, baseDirectory);
    }

    public static Func<ulong, ExperimentData> ReadWikiText(SpecReader data, string folder, string baseDirectory)
    {
        var full = SourcePaths.Resolve(folder, baseDirectory);
        data.Resolved["source"] = $"wikitext:{full}";
        string Find(string part)
        {
            foreach (var name in new[] { $"wiki.{part}.raw", $"wiki.{part}.tokens" })
            {
                var p = Path.Combine(full, name);
                if (File.Exists(p))
                {
                    return p;
                }
            }
            throw data.Error("source", $"{full} has no wiki.{part}.raw (nor wiki.{part}.tokens); point to the folder of WikiText's raw release (wiki.train.raw, wiki.valid.raw, wiki.test.raw).");
        }
        var train = Articles(TextFiles.Read(Find("train")));
        var test = Articles(TextFiles.Read(Find("test")));
        return Blocks(data, new TextCorpus(Path.GetFileName(full), train, test), baseDirectory);
    }

    /// <summary>Splits WikiText raw text into articles at top-level headings " = Title = " (not " = = Section = = ").</summary>
    public static List<string> Articles(string text)
    {
        var articles = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            var t = line.Trim();
            var heading = t.Length > 4 && t.StartsWith("= ", StringComparison.Ordinal) && t.EndsWith(" =", StringComparison.Ordinal) && !t.StartsWith("= =", StringComparison.Ordinal);
            if (heading && current.ToString().Trim().Length > 0)
            {
                articles.Add(current.ToString());
                current.Clear();
            }
            current.Append(line).Append('\n');
        }
        if (current.ToString().Trim().Length > 0)
        {
            articles.Add(current.ToString());
        }
        return articles;
    }

    public static Func<ulong, ExperimentData> ReadKjv(SpecReader data, string argument, string baseDirectory) =>
        Blocks(data, new TextCorpus("King James Bible", KjvChapters()), baseDirectory);

    /// <summary>
    /// The chapters of the King James Bible as printed by <c>bible -l100000 gen1:1-rev22:21</c> (package bible-kjv):
    /// "Book N" headings start a chapter; verse lines "  N text" lose their numbers; a chapter's verses are lines.
    /// </summary>
    public static List<string> KjvChapters()
    {
        string raw;
        try
        {
            var start = new ProcessStartInfo("bible", ["-l100000", "gen1:1-rev22:21"])
            {
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start) ?? throw new SpecException("could not start the 'bible' program");
            process.StandardInput.Close();
            raw = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new SpecException("source 'kjv' reads the King James Bible through the 'bible' program, which is not installed. Install it: apt-get install bible-kjv");
        }
        var chapters = new List<string>();
        var verses = new System.Text.StringBuilder();
        foreach (var line in raw.Split('\n'))
        {
            if (line.StartsWith("  ", StringComparison.Ordinal))
            {
                var s = line.Trim();
                var space = s.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && s[..space].All(char.IsAsciiDigit))
                {
                    verses.Append(s[(space + 1)..]).Append('\n');
                }
            }
            else if (line.Trim().Length > 0 && verses.Length > 0)
            {
                chapters.Add(verses.ToString());
                verses.Clear();
            }
        }
        if (verses.Length > 0)
        {
            chapters.Add(verses.ToString());
        }
        if (chapters.Count == 0)
        {
            throw new SpecException("the 'bible' program printed no verses; reinstall the text: apt-get install --reinstall bible-kjv bible-kjv-text");
        }
        return chapters;
    }

    /// <summary>Reads the block keys and returns a loader that splits, trains the tokenizer and cuts blocks.</summary>
    private static Func<ulong, ExperimentData> Blocks(SpecReader data, TextCorpus corpus, string baseDirectory)
    {
        var block = data.Int("block", 64, min: 1, max: 1_000_000);
        var testFraction = corpus.TestDocuments is null ? data.Double("test", 0.1, min: 0, max: 1, exclusiveMin: true) : 0;
        if (testFraction >= 1)
        {
            throw data.Error("test", "a test share must be below 1 so that some documents are left to train on.");
        }
        int? train = data.Has("train") ? data.Int("train", null, min: 1) : null;
        data.Node("train");
        var tokenizerSpec = TokenizerSpec.Read(data, baseDirectory);
        if (corpus.Documents.All(d => d.Trim().Length == 0))
        {
            throw data.Error("source", $"{corpus.Name}: the corpus is empty (no text to train on).");
        }
        return seed =>
        {
            var (trainDocs, testDocs) = Split(corpus, testFraction, seed);
            var (tokenizer, trainTokens) = tokenizerSpec.Build(trainDocs);
            var trainBlocks = Cut(trainTokens, tokenizer, block);
            var testBlocks = Cut(testDocs, tokenizer, block);
            if (trainBlocks.Count == 0)
            {
                throw data.Error("block", $"{corpus.Name}: the training text has fewer than {block} tokens, not one whole block; lower data.block or give more text.");
            }
            if (testBlocks.Count == 0)
            {
                throw data.Error("test", $"{corpus.Name}: the held-out text has fewer than {block} tokens, not one whole block; raise data.test or lower data.block.");
            }
            if (train > trainBlocks.Count)
            {
                throw data.Error("train", $"{corpus.Name} has {trainBlocks.Count:N0} training blocks of {block} tokens; ask for at most that many.");
            }
            return new CorpusData(trainBlocks, testBlocks, train ?? trainBlocks.Count, block, tokenizer, corpus.Name);
        };
    }

    /// <summary>Documents split into training and test sets by a seeded permutation (or the corpus's own split).</summary>
    public static (List<string> Train, List<string> Test) Split(TextCorpus corpus, double testFraction, ulong seed)
    {
        if (corpus.TestDocuments is { } test)
        {
            return (corpus.Documents.ToList(), test.ToList());
        }
        var docs = corpus.Documents.Count >= TextCorpus.MinimumDocuments
            ? corpus.Documents
            : TextCorpus.Cut(string.Join("\n", corpus.Documents), TextCorpus.Pieces);
        var order = new StreamKey(seed, 0, 0, Purpose.Split).Open().Permutation(docs.Count);
        var testCount = Math.Clamp((int)Math.Round(docs.Count * testFraction), 1, Math.Max(1, docs.Count - 1));
        return (order[testCount..].Order().Select(i => docs[i]).ToList(), order[..testCount].Order().Select(i => docs[i]).ToList());
    }

    /// <summary>The documents' tokens end to end, cut into whole blocks (a last partial block is dropped).</summary>
    public static TokenBatch Cut(IReadOnlyList<string> documents, Tokenizer tokenizer, int block) =>
        Cut(documents.Select(tokenizer.Encode).ToArray(), tokenizer, block);

    /// <summary>Encoded documents end to end, cut into whole blocks.</summary>
    public static TokenBatch Cut(int[][] documents, Tokenizer tokenizer, int block)
    {
        var tokens = new int[documents.Sum(d => d.Length)];
        var at = 0;
        foreach (var doc in documents)
        {
            doc.CopyTo(tokens, at);
            at += doc.Length;
        }
        return TokenBatch.Blocks(tokens, block, tokenizer);
    }
}
