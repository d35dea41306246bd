namespace CollapseLab.Dashboard.Live;

/// <summary>
/// An arm's newest generation: the highest any replicate has reached, how many replicates have reached it, how many
/// chains are finished, and each metric's mean at that generation over those replicates (finite values only).
/// </summary>
public sealed record ArmLatest(string Arm, int Generation, int Replicates, int ChainsDone, IReadOnlyList<double> Means);

/// <summary>
/// A run as a live view shows it at one moment. <see cref="Version"/> changes whenever the run's files do, so a view
/// redraws only then; <see cref="SecondsLeft"/> is null until a rate is known.
/// </summary>
public sealed record RunSnapshot(
    string Id,
    RunOutline Outline,
    string Status,
    DateTime? Started,
    long Done,
    long Total,
    double? SecondsLeft,
    double? SecondsSinceUpdate,
    IReadOnlyList<ArmLatest> Latest,
    IReadOnlyList<Alarm> Alarms,
    bool HasReport,
    long Version)
{
    public bool Finished => Status is "complete" or "failed" or "stopped";
}
