using CollapseLab.Specs;

namespace CollapseLab.Policies;

/// <summary>The registry of policies named by <c>policy.kind</c>, with their options.</summary>
public static class PolicyCatalog
{
    private static readonly Dictionary<string, Func<SpecReader, Policy>> Registry = new()
    {
        ["replace"] = _ => new ReplacePolicy(),
        ["keep-real"] = p => new KeepRealPolicy(p.Fraction("fraction", 0.1)),
        ["accumulate"] = _ => new AccumulatePolicy(),
        ["accumulate-subsample"] = p => new AccumulateSubsamplePolicy(p.Int("size", null, min: 1)),
        ["fresh-real"] = p => new FreshRealPolicy(p.Fraction("fraction", 0.1)),
        ["mix"] = p => new MixPolicy(p.Double("ratio", 1.0, min: 0)),
    };

    public static IReadOnlyCollection<string> Kinds => Registry.Keys;

    public static Policy Read(SpecReader policy)
    {
        var kind = policy.Choice("kind", "replace", Registry.Keys);
        var result = Registry[kind](policy);
        policy.Done();
        return result;
    }
}
