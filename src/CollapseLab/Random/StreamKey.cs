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
}

/// <summary>
/// The identity of a random stream: (seed, replicate, generation, purpose, chunk). Arms are deliberately not
/// part of it: arms of one experiment share real data and draws (common random numbers), so their differences
/// come from the arm and not from luck. Chunk numbers split large draws into fixed-size pieces, so the same bits
/// come out whether one thread or eight fill them.
/// </summary>
public readonly record struct StreamKey(ulong Seed, int Replicate, int Generation, Purpose Purpose, int Chunk = 0)
{
    public ulong Hash
    {
        get
        {
            var h = SplitMix.Mix(Seed ^ 0x436F6C6C61707365UL);
            h = SplitMix.Combine(h, (ulong)(uint)Replicate);
            h = SplitMix.Combine(h, (ulong)(uint)Generation);
            h = SplitMix.Combine(h, (ulong)Purpose);
            return SplitMix.Combine(h, (ulong)(uint)Chunk);
        }
    }

    public StreamKey WithChunk(int chunk) => this with { Chunk = chunk };

    public RandomStream Open() => new(this);
}
