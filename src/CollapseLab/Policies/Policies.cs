using CollapseLab.Specs;

namespace CollapseLab.Policies;

/// <summary>The registry of policies named by <c>policy.kind</c>, with their options.</summary>
public static class PolicyCatalog
{
    /// <summary>Readers of each policy's options; the real pool size is the default size where one is needed.</summary>
    private static readonly Dictionary<string, Func<SpecReader, int, Policy>> Registry = new()
    {
        ["replace"] = (_, _) => new ReplacePolicy(),
        ["keep-real"] = (p, _) => new KeepRealPolicy(p.Fraction("fraction", 0.1)),
        ["accumulate"] = (_, _) => new AccumulatePolicy(),
        ["accumulate-subsample"] = (p, pool) => new AccumulateSubsamplePolicy(p.Int("size", pool, min: 1)),
        ["fresh-real"] = (p, _) => new FreshRealPolicy(p.Fraction("fraction", 0.1)),
        ["mix"] = (p, _) => new MixPolicy(p.Double("ratio", 1.0, min: 0)),
    };

    public static IReadOnlyCollection<string> Kinds => Registry.Keys;

    public static Policy Read(SpecReader policy, int poolSize)
    {
        var kind = policy.Choice("kind", "replace", Registry.Keys);
        var result = Registry[kind](policy, poolSize);
        policy.Done();
        return result;
    }
}
