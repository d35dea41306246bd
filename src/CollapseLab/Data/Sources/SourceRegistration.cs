using CollapseLab.Extending;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>Reads a data section; the returned loader makes the experiment's data for a seed.</summary>
public delegate Func<ulong, ExperimentData> SourceReader(SpecReader data, string path, string baseDirectory);

/// <summary>A real-data source named by <c>data.source</c>.</summary>
/// <param name="PathNames">For a source that reads a file or folder (given as <c>source: name:path</c> or <c>source: name</c>
/// with <c>path:</c>), what the path names, e.g. "a CSV file"; null for a source without one.</param>
public sealed record SourceRegistration(string Name, SourceReader Read, string? PathNames = null) : IRegistered;
