namespace CollapseLab.Storage;

/// <summary>
/// A run's results as the index holds them, for `show` and `compare` when the run's folder is on another machine.
/// The index keeps each metric's statistics but no standard deviation (<see cref="SummaryRow.StdDev"/> is NaN),
/// no per-replicate values, samples, curation or monitor files.
/// </summary>
public sealed record IndexedResults(IndexedRun Run, string SpecYaml, long Seed, int Replicates, IReadOnlyList<IndexedArm> Arms, IReadOnlyList<SummaryRow> Summary);

/// <summary>An arm's row in the index.</summary>
public sealed record IndexedArm(int Index, string Name, string Family, string Policy, string Data, int SamplesPerGeneration, int CollapsedChains);
