using System.Text.Json.Nodes;
using CollapseLab.Dashboard.Live;
using CollapseLab.Reports;

namespace CollapseLab.Dashboard.Server;

/// <summary>A run snapshot as the dashboard's JSON; every string is run data, so the page sets it as text, never HTML.</summary>
internal static class SnapshotJson
{
    /// <summary>Alarms sent to a page: the latest ones (the count says how many there are).</summary>
    public const int AlarmRows = 200;

    public static string Write(RunSnapshot s) => Escaping.ScriptJson(Node(s));

    public static JsonObject Node(RunSnapshot s)
    {
        var latest = new JsonArray();
        foreach (var arm in s.Latest)
        {
            latest.Add(new JsonObject
            {
                ["arm"] = arm.Arm, ["generation"] = arm.Generation, ["replicates"] = arm.Replicates, ["chainsDone"] = arm.ChainsDone,
                ["means"] = new JsonArray(arm.Means.Select(m => ChartSpecs.Num(m)).ToArray()),
            });
        }
        var alarms = new JsonArray();
        foreach (var a in s.Alarms.Skip(Math.Max(0, s.Alarms.Count - AlarmRows)))
        {
            alarms.Add(new JsonObject
            {
                ["arm"] = a.Arm, ["replicate"] = a.Replicate, ["generation"] = a.Generation, ["signal"] = a.Signal, ["rule"] = a.Rule,
                ["value"] = ChartSpecs.Num(a.Value), ["threshold"] = ChartSpecs.Num(a.Threshold), ["action"] = a.Action,
            });
        }
        return new JsonObject
        {
            ["id"] = s.Id,
            ["name"] = s.Outline.Name,
            ["description"] = s.Outline.Description,
            ["status"] = s.Status,
            ["started"] = s.Started?.ToString("O"),
            ["done"] = s.Done,
            ["total"] = s.Total,
            ["secondsLeft"] = s.SecondsLeft is { } left ? Math.Round(left, 1) : null,
            ["secondsSinceUpdate"] = s.SecondsSinceUpdate is { } quiet ? Math.Round(quiet, 1) : null,
            ["generations"] = s.Outline.Generations,
            ["replicates"] = s.Outline.Replicates,
            ["metrics"] = new JsonArray(s.Outline.Metrics.Select(m => (JsonNode?)m.Name).ToArray()),
            ["latest"] = latest,
            ["alarmCount"] = s.Alarms.Count,
            ["alarms"] = alarms,
            ["report"] = s.HasReport,
            ["version"] = s.Version,
        };
    }
}
