using CollapseLab.Extending;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>A curation step named by <c>step:</c> in a spec's <c>curation:</c> list, and how it reads its options.</summary>
public sealed record CurationRegistration(string Name, Func<SpecReader, CurationStep> Read, string Summary) : IRegistered;
