namespace CollapseLab.Monitoring;

/// <summary>
/// One (signal, rule) crossing its threshold in one chain: at which generation, the rule's statistic and the
/// threshold it exceeded, and what the arm did (its action at the chain's first alarm, "mark" after that).
/// </summary>
public sealed record Alarm(int Generation, string Signal, string Rule, double Value, double Threshold, string Action)
{
    public void Write(BinaryWriter w)
    {
        w.Write(Generation);
        w.Write(Signal);
        w.Write(Rule);
        w.Write(Value);
        w.Write(Threshold);
        w.Write(Action);
    }

    public static Alarm Read(BinaryReader r) =>
        new(r.ReadInt32(), r.ReadString(), r.ReadString(), r.ReadDouble(), r.ReadDouble(), r.ReadString());
}
