using CollapseLab.Extending;
using CollapseLab.Specs;

namespace CollapseLab.Policies;

/// <summary>A policy named by <c>policy.kind</c>: how it reads its options, given the real pool size (the default size where one is needed).</summary>
public sealed record PolicyRegistration(string Name, Func<SpecReader, int, Policy> Read) : IRegistered;
