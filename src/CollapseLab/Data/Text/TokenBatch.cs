namespace CollapseLab.Data.Text;

/// <summary>
/// Token sequences stored compactly: sequence i is Tokens[Offsets[i] .. Offsets[i+1]). The tokenizer (shared by
/// every batch of an experiment) is only used to decode previews; a batch read back from a checkpoint has none
/// and takes it from the batches it is composed with.
/// </summary>
public sealed class TokenBatch : DataBatch
{
    public TokenBatch(int[] tokens, int[] offsets, Tokenizer? tokenizer)
    {
        if (offsets.Length == 0 || offsets[0] != 0 || offsets[^1] != tokens.Length)
        {
            throw new ArgumentException("offsets must start at 0 and end at the token count", nameof(offsets));
        }
        Tokens = tokens;
        Offsets = offsets;
        Tokenizer = tokenizer;
    }

    /// <summary>Equal-length sequences cut from one array: sequence i is tokens[i·length .. (i+1)·length).</summary>
    public static TokenBatch Blocks(int[] tokens, int length, Tokenizer? tokenizer)
    {
        var count = tokens.Length / length;
        var offsets = new int[count + 1];
        for (var i = 0; i <= count; i++)
        {
            offsets[i] = i * length;
        }
        return new TokenBatch(count * length == tokens.Length ? tokens : tokens[..(count * length)], offsets, tokenizer);
    }

    public int[] Tokens { get; }

    public int[] Offsets { get; }

    public Tokenizer? Tokenizer { get; }

    public override DataKind Kind => DataKind.Tokens;

    public override int Count => Offsets.Length - 1;

    public int TokenCount => Tokens.Length;

    public ReadOnlySpan<int> Sequence(int i) => Tokens.AsSpan(Offsets[i], Offsets[i + 1] - Offsets[i]);

    public int Length(int i) => Offsets[i + 1] - Offsets[i];

    public override ReadOnlySpan<byte> ItemBytes(int index) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Sequence(index));

    public override string Preview(int index) =>
        Tokenizer?.Decode(Sequence(index)) ?? string.Join(' ', Sequence(index).ToArray());

    public override DataBatch Compose(IReadOnlyList<BatchPart> parts)
    {
        var tokenizer = Tokenizer;
        int sequences = 0, total = 0;
        foreach (var part in parts)
        {
            var batch = (TokenBatch)part.Batch;
            tokenizer ??= batch.Tokenizer;
            sequences += part.Count;
            if (part.Indices is null)
            {
                total += batch.TokenCount;
                continue;
            }
            foreach (var i in part.Indices)
            {
                total += batch.Length(i);
            }
        }
        var tokens = new int[total];
        var offsets = new int[sequences + 1];
        int s = 0, t = 0;
        foreach (var part in parts)
        {
            var batch = (TokenBatch)part.Batch;
            var count = part.Count;
            for (var k = 0; k < count; k++)
            {
                var seq = batch.Sequence(part.Indices is null ? k : part.Indices[k]);
                seq.CopyTo(tokens.AsSpan(t));
                t += seq.Length;
                offsets[++s] = t;
            }
        }
        return new TokenBatch(tokens, offsets, tokenizer);
    }

    protected override void Write(BinaryWriter writer)
    {
        writer.Write(Count);
        for (var i = 1; i < Offsets.Length; i++)
        {
            writer.Write(Offsets[i]);
        }
        foreach (var token in Tokens)
        {
            writer.Write(token);
        }
    }

    public static TokenBatch ReadBody(BinaryReader reader)
    {
        var offsets = new int[reader.ReadInt32() + 1];
        for (var i = 1; i < offsets.Length; i++)
        {
            offsets[i] = reader.ReadInt32();
        }
        var tokens = new int[offsets[^1]];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = reader.ReadInt32();
        }
        return new TokenBatch(tokens, offsets, null);
    }
}
