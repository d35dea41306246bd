namespace CollapseLab.Random;

/// <summary>What a random stream is used for; part of its key so that uses never share draws.</summary>
public enum Purpose
{
    RealPool = 1,
    RealTest = 2,
    Split = 3,
    Fit = 4,
    Sample = 5,
    Policy = 6,
    FreshReal = 7,
    Metric = 8,
    Init = 9,
    Curation = 10,
}

/// <summary>
/// The identity of a random stream: (seed, replicate, generation, purpose, name, chunk). Arms are deliberately not
/// part of it: arms of one experiment share real data and draws (common random numbers), so their differences
/// come from the arm and not from luck. <see cref="Named"/> gives a use its own draws within a purpose (a metric's
/// name, "validation", a curation step's name); chunk numbers split large draws into fixed-size pieces, so the same
/// bits come out whether one thread or eight fill them. Chunking never touches the name, so it cannot erase it.
/// </summary>
public readonly record struct StreamKey(ulong Seed, int Replicate, int Generation, Purpose Purpose, int Chunk = 0)
{
    /// <summary>Hash of the name given by <see cref="Named"/>; 0 for an unnamed stream (whose bits it leaves as they were).</summary>
    public ulong Label { get; init; }

    public ulong Hash
    {
        get
        {
            var h = SplitMix.Mix(Seed ^ 0x436F6C6C61707365UL);
            h = SplitMix.Combine(h, (ulong)(uint)Replicate);
            h = SplitMix.Combine(h, (ulong)(uint)Generation);
            h = SplitMix.Combine(h, (ulong)Purpose);
            if (Label != 0)
            {
                h = SplitMix.Combine(h, Label);
            }
            return SplitMix.Combine(h, (ulong)(uint)Chunk);
        }
    }

    public StreamKey WithChunk(int chunk) => this with { Chunk = chunk };

    /// <summary>
    /// The sub-stream for one named use. Names nest (<c>Named("fid").Named("real")</c> differs from
    /// <c>Named("real")</c>), and the chunk restarts at 0.
    /// </summary>
    public StreamKey Named(string name) => this with { Label = NameHash(Label, name), Chunk = 0 };

    public RandomStream Open() => new(this);

    /// <summary>FNV-1a over the UTF-16 code units, folded into the outer name and mixed; never 0.</summary>
    private static ulong NameHash(ulong outer, string name)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in name)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }
        var mixed = SplitMix.Combine(outer, h);
        return mixed == 0 ? 1 : mixed;
    }
}
