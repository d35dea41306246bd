namespace CollapseLab.Dashboard.Live;

/// <summary>
/// Generations per second over the last minute of observations, for an ETA. Before two observations a minute apart
/// exist, a run's first session is timed from its start (run.json); a resumed run waits for observations.
/// </summary>
public sealed class ProgressRate
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private readonly Queue<(DateTime At, long Done)> _seen = new();

    public void Observe(DateTime now, long done)
    {
        if (_seen.Count > 0 && _seen.Last().Done == done)
        {
            return;
        }
        _seen.Enqueue((now, done));
        while (_seen.Count > 2 && now - _seen.Peek().At > Window)
        {
            _seen.Dequeue();
        }
    }

    /// <summary>Seconds left for <paramref name="total"/> − <paramref name="done"/> generations; null when unknown.</summary>
    public double? SecondsLeft(DateTime now, long done, long total, DateTime? started, bool firstSession)
    {
        if (done >= total)
        {
            return 0;
        }
        double? rate = null;
        if (_seen.Count >= 2)
        {
            var (at, then) = _seen.Peek();
            var seconds = (now - at).TotalSeconds;
            if (seconds >= 1 && done > then)
            {
                rate = (done - then) / seconds;
            }
        }
        if (rate is null && firstSession && started is { } s && done > 0 && (now - s).TotalSeconds >= 1)
        {
            rate = done / (now - s).TotalSeconds;
        }
        return rate is { } r && r > 0 ? (total - done) / r : null;
    }
}
