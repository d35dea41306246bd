using System.Globalization;
using System.Text.Json.Nodes;
using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>
/// The Vega-Lite specs a report draws. Data is inlined (already summarised and thinned), numbers are rounded to
/// six significant digits, and every chart has a title, labelled axes and one colour per arm that is the same in
/// every chart of the report.
/// </summary>
public static class ChartSpecs
{
    /// <summary>Tableau 10: distinct, colour-blind-considerate hues for arms.</summary>
    public static readonly string[] ArmColours =
        ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#ff9da6", "#9d755d", "#bab0ac"];

    /// <summary>Characters per subtitle line: Vega cuts longer lines at the chart width.</summary>
    private const int SubtitleWidth = 78;

    private const string Font = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

    /// <summary>
    /// One metric by generation: per arm a line (mean across replicates; the median when some replicates are ±∞),
    /// a band holding the middle 95% of replicates, and theory dashed where it exists.
    /// </summary>
    public static JsonObject Metric(MetricInfo metric, IReadOnlyList<(string Arm, List<SummaryRow> Rows)> arms,
        IReadOnlyList<string> armDomain, int lastGeneration)
    {
        var useMedian = arms.Any(a => a.Rows.Any(r => r.Finite < r.Count));
        var replicates = arms.SelectMany(a => a.Rows).Select(r => r.Count).DefaultIfEmpty(0).Max();
        var line = (Func<SummaryRow, double>)(r => useMedian ? r.Median : r.Mean);
        var scale = AxisScale.Choose(arms.SelectMany(a => a.Rows).SelectMany(r => new[] { line(r), r.QuantileLow, r.QuantileHigh, r.Theory ?? double.NaN }));
        var values = new JsonArray();
        var hasTheory = false;
        foreach (var (arm, rows) in arms)
        {
            foreach (var r in rows)
            {
                var (y, yNote) = scale.Place(line(r));
                var (lo, loNote) = scale.Place(r.QuantileLow);
                var (hi, hiNote) = scale.Place(r.QuantileHigh);
                var (th, _) = scale.Place(r.Theory ?? double.NaN);
                hasTheory |= th is not null;
                var row = new JsonObject { ["arm"] = arm, ["g"] = r.Generation, ["y"] = Num(y), ["lo"] = Num(lo), ["hi"] = Num(hi), ["med"] = Num(r.Median), ["nf"] = r.Finite };
                if (!useMedian)
                {
                    row["mean"] = Num(r.Mean);
                }
                if (th is not null)
                {
                    row["th"] = Num(th);
                }
                if (yNote is not null)
                {
                    row["edge"] = yNote;
                }
                if (loNote is not null || hiNote is not null || !double.IsFinite(r.Median))
                {
                    // What the tooltip cannot show from the drawn (pinned) numbers.
                    row["note"] = $"median {Short(r.Median)}; 95% of replicates {Short(r.QuantileLow)} … {Short(r.QuantileHigh)}";
                }
                values.Add(row);
            }
        }
        var lineName = useMedian ? "median" : "mean";
        var subtitle = Wrap(metric.Description, SubtitleWidth);
        subtitle.Add(replicates <= 1
            ? $"line: the single replicate{(hasTheory ? " · dashed: theory" : "")}"
            : $"line: {lineName} of {replicates} replicates{(useMedian ? " (some are ±∞)" : "")} · band: middle 95% of replicates{(hasTheory ? " · dashed: theory" : "")}");
        if (values.Any(v => v!["edge"] is not null || v["note"] is not null))
        {
            subtitle.Add(scale.Log ? "▲ ±∞, 0 and values below the floor are drawn on the axis edge (hover for values)" : "▲ ±∞ is drawn on the axis edge (hover for values)");
        }
        var yTitle = $"{metric.Name} ({scale.Describe()})";
        var yScale = scale.Log
            ? new JsonObject { ["type"] = "log", ["domain"] = new JsonArray(Num(scale.Floor), Num(scale.Ceiling)), ["clamp"] = true }
            : scale.Flat
                ? new JsonObject { ["domain"] = new JsonArray(Num(scale.Floor), Num(scale.Ceiling)) }
                : new JsonObject { ["zero"] = false, ["nice"] = true };
        var tooltip = MetricTooltip(useMedian, hasTheory, replicates);
        // The band's lines: field y (or th) against the generation, in the arm's colour.
        JsonObject Encoding(string y, bool coloured = true)
        {
            var encoding = new JsonObject { ["x"] = GenerationX(lastGeneration), ["y"] = new JsonObject { ["field"] = y, ["type"] = "quantitative" } };
            if (coloured)
            {
                encoding["color"] = ArmColour(armDomain);
            }
            return encoding;
        }
        var band = new JsonObject
        {
            ["x"] = GenerationX(lastGeneration),
            ["y"] = new JsonObject { ["field"] = "lo", ["type"] = "quantitative", ["title"] = yTitle, ["scale"] = yScale, ["axis"] = YAxis(scale) },
            ["y2"] = new JsonObject { ["field"] = "hi" },
            ["color"] = ArmColour(armDomain),
        };
        var theory = Encoding("th");
        theory["detail"] = new JsonObject { ["value"] = "theory" };
        var layers = new JsonArray
        {
            Layer(new JsonObject { ["type"] = "area", ["opacity"] = 0.16 }, band, "isValid(datum.lo) && isValid(datum.hi)"),
            Layer(new JsonObject { ["type"] = "line", ["strokeWidth"] = 2 }, Encoding("y")),
        };
        if (hasTheory)
        {
            layers.Add(Layer(new JsonObject { ["type"] = "line", ["strokeWidth"] = 1.5, ["strokeDash"] = new JsonArray(6, 4) }, theory, "isValid(datum.th)"));
        }
        layers.Add(Layer(new JsonObject { ["type"] = "point", ["shape"] = "triangle-up", ["filled"] = true, ["size"] = 40 }, Encoding("y"), "isValid(datum.edge)"));
        // An invisible point per generation carries the tooltip, so hovering anywhere over a generation shows it.
        layers.Add(Layer(new JsonObject { ["type"] = "point", ["opacity"] = 0, ["size"] = 60, ["tooltip"] = new JsonObject { ["expr"] = tooltip } }, Encoding("y", coloured: false)));
        return Chart(metric.Name, subtitle, values, layers);
    }

    /// <summary>Training-set composition of one arm by origin: stacked shares (real at the bottom, then older → newer generations).</summary>
    public static JsonObject Composition(string arm, CompositionSeries series, int lastGeneration)
    {
        var values = new JsonArray();
        for (var i = 0; i < series.Generations.Count; i++)
        {
            for (var o = 0; o < series.Groups.Count; o++)
            {
                values.Add(new JsonObject { ["g"] = series.Generations[i], ["o"] = o, ["origin"] = series.Groups[o], ["share"] = Num(series.Shares[i, o]) });
            }
        }
        var colours = OriginColours(series.Groups.Count);
        var layers = new JsonArray(new JsonObject
        {
            ["mark"] = new JsonObject { ["type"] = "area", ["interpolate"] = "step-after" },
            ["encoding"] = new JsonObject
            {
                ["x"] = GenerationX(lastGeneration),
                ["y"] = new JsonObject { ["field"] = "share", ["type"] = "quantitative", ["stack"] = "zero", ["title"] = "share of the training set", ["axis"] = new JsonObject { ["format"] = "%" }, ["scale"] = new JsonObject { ["domain"] = new JsonArray(0, 1) } },
                ["color"] = new JsonObject
                {
                    ["field"] = "origin", ["type"] = "nominal", ["title"] = "data from",
                    ["scale"] = new JsonObject { ["domain"] = new JsonArray(series.Groups.Select(g => (JsonNode?)g).ToArray()), ["range"] = new JsonArray(colours.Select(c => (JsonNode?)c).ToArray()) },
                    ["legend"] = new JsonObject { ["orient"] = "right" },
                },
                ["order"] = new JsonObject { ["field"] = "o", ["type"] = "quantitative", ["sort"] = "ascending" },
                ["tooltip"] = new JsonArray(Field("g", "quantitative", "generation"), Field("origin", "nominal", "data from"),
                    new JsonObject { ["field"] = "share", ["type"] = "quantitative", ["format"] = ".1%", ["title"] = "share" }),
            },
        });
        return Chart($"{arm}: what each generation was trained on",
            new JsonArray("share of the training set by origin: real data, or the generation whose samples it is"), values, layers, height: 180);
    }

    /// <summary>A curation funnel: one horizontal bar per stage (sampled, then after each step), mean items per generation.</summary>
    public static JsonObject Funnel(string arm, IReadOnlyList<(string Stage, double Count)> stages, string colour)
    {
        var values = new JsonArray();
        for (var i = 0; i < stages.Count; i++)
        {
            values.Add(new JsonObject { ["i"] = i, ["stage"] = stages[i].Stage, ["n"] = Num(stages[i].Count) });
        }
        var order = new JsonArray(stages.Select(s => (JsonNode?)s.Stage).ToArray());
        var layers = new JsonArray(new JsonObject
        {
            ["mark"] = new JsonObject { ["type"] = "bar", ["color"] = colour },
            ["encoding"] = new JsonObject
            {
                ["y"] = new JsonObject { ["field"] = "stage", ["type"] = "nominal", ["title"] = null, ["sort"] = order },
                ["x"] = new JsonObject { ["field"] = "n", ["type"] = "quantitative", ["title"] = "mean items per generation" },
                ["tooltip"] = new JsonArray(Field("stage", "nominal", "stage"), new JsonObject { ["field"] = "n", ["type"] = "quantitative", ["format"] = ".4~g", ["title"] = "items" }),
            },
        });
        return Chart($"{arm}: curation funnel", new JsonArray("samples per generation entering curation, then surviving each step (mean over generations and replicates)"),
            values, layers, height: 40 + 28 * stages.Count);
    }

    /// <summary>Overlaid histograms (frequency polygons: share of values per bin at the bin centre), one line per generation.</summary>
    public static JsonObject Histograms(string title, string valueName, List<Histogram> histograms, bool log, List<string> notes)
    {
        var values = new JsonArray();
        foreach (var h in histograms)
        {
            for (var i = 0; i < h.Counts.Length; i++)
            {
                var centre = log ? Math.Sqrt(h.Edges[i] * h.Edges[i + 1]) : (h.Edges[i] + h.Edges[i + 1]) / 2;
                values.Add(new JsonObject { ["gen"] = h.Group, ["x"] = Num(centre), ["s"] = Num(h.Share(i)), ["n"] = h.Counts[i] });
            }
        }
        var colour = GenerationColour(histograms.Select(h => h.Group).ToList());
        var subtitle = new JsonArray("share of values per bin (bins shared by all generations; first recorded replicate)");
        foreach (var line in notes.SelectMany(n => Wrap(n, SubtitleWidth)))
        {
            subtitle.Add(line?.DeepClone());
        }
        var xScale = log ? new JsonObject { ["type"] = "log" } : new JsonObject { ["zero"] = false };
        var layers = new JsonArray(new JsonObject
        {
            ["mark"] = new JsonObject { ["type"] = "line", ["point"] = new JsonObject { ["size"] = 18 }, ["strokeWidth"] = 1.8 },
            ["encoding"] = new JsonObject
            {
                ["x"] = new JsonObject { ["field"] = "x", ["type"] = "quantitative", ["title"] = $"{valueName}{(log ? " (log scale)" : "")}", ["scale"] = xScale },
                ["y"] = new JsonObject { ["field"] = "s", ["type"] = "quantitative", ["title"] = "share of values", ["axis"] = new JsonObject { ["format"] = "%" } },
                ["color"] = colour,
                ["tooltip"] = new JsonArray(Field("gen", "nominal", "generation"), new JsonObject { ["field"] = "x", ["type"] = "quantitative", ["format"] = ".4~g", ["title"] = "bin centre" },
                    new JsonObject { ["field"] = "s", ["type"] = "quantitative", ["format"] = ".1%", ["title"] = "share" }, Field("n", "quantitative", "count")),
            },
        });
        return Chart(title, subtitle, values, layers, height: 200);
    }

    /// <summary>Few values per generation (e.g. per mixture component), one line per value index across generations.</summary>
    public static JsonObject Trajectory(string title, string valueName, SampleValueSeries series, int lastGeneration)
    {
        var scale = AxisScale.Choose(series.ByGeneration.Values.SelectMany(v => v));
        var values = new JsonArray();
        var pinned = false;
        foreach (var (g, items) in series.ByGeneration)
        {
            for (var i = 0; i < items.Length; i++)
            {
                var (y, note) = scale.Place(items[i]);
                pinned |= note is not null;
                values.Add(new JsonObject { ["g"] = g, ["i"] = $"#{i}", ["y"] = Num(y), ["v"] = Short(items[i]) });
            }
        }
        var subtitle = new JsonArray($"each value index (#0, #1, …) followed across generations; replicate {series.Replicate}");
        if (pinned)
        {
            subtitle.Add("±∞ and values a log axis cannot show are drawn on the axis edge (hover for values)");
        }
        var layers = new JsonArray(new JsonObject
        {
            ["mark"] = new JsonObject { ["type"] = "line", ["strokeWidth"] = 1.6, ["point"] = series.ByGeneration.Count <= 40 },
            ["encoding"] = new JsonObject
            {
                ["x"] = GenerationX(lastGeneration),
                ["y"] = new JsonObject
                {
                    ["field"] = "y", ["type"] = "quantitative", ["title"] = $"{valueName} ({scale.Describe()})",
                    ["scale"] = scale.Log ? new JsonObject { ["type"] = "log" } : new JsonObject { ["zero"] = false },
                },
                ["color"] = new JsonObject { ["field"] = "i", ["type"] = "nominal", ["title"] = "value", ["scale"] = new JsonObject { ["scheme"] = "dark2" } },
                ["tooltip"] = new JsonArray(Field("g", "quantitative", "generation"), Field("i", "nominal", "value"), Field("v", "nominal", valueName)),
            },
        });
        return Chart(title, subtitle, values, layers, height: 200);
    }

    /// <summary>Samples at a few generations as small multiples (first two coordinates, shared axes), so drift and loss of spread show.</summary>
    public static JsonObject Scatter(string title, List<(string Generation, double[] Row)> points, int dim, string colour)
    {
        var values = new JsonArray();
        foreach (var (g, row) in points.Where(p => double.IsFinite(p.Row[0]) && double.IsFinite(p.Row[1])))
        {
            values.Add(new JsonObject { ["gen"] = g, ["x"] = Num(row[0]), ["y"] = Num(row[1]) });
        }
        var generations = points.Select(p => p.Generation).Distinct().ToList();
        var (columns, keys) = Columnar(values);
        return new JsonObject
        {
            ["title"] = new JsonObject
            {
                ["text"] = title, ["anchor"] = "start", ["subtitleColor"] = "#555", ["fontSize"] = 14,
                ["subtitle"] = dim > 2 ? $"first two of {dim} coordinates; first recorded replicate" : "first recorded replicate",
            },
            ["data"] = new JsonObject { ["values"] = new JsonArray(columns) },
            ["transform"] = new JsonArray(new JsonObject { ["flatten"] = keys }),
            ["facet"] = new JsonObject
            {
                ["field"] = "gen", ["type"] = "ordinal", ["title"] = null,
                ["sort"] = new JsonArray(generations.Select(g => (JsonNode?)g).ToArray()),
                ["header"] = new JsonObject { ["labelFontSize"] = 12, ["labelFontWeight"] = "bold" },
            },
            ["columns"] = 3,
            ["spec"] = new JsonObject
            {
                ["width"] = 150,
                ["height"] = 130,
                ["mark"] = new JsonObject { ["type"] = "point", ["filled"] = true, ["opacity"] = 0.45, ["size"] = 9, ["color"] = colour },
                ["encoding"] = new JsonObject
                {
                    ["x"] = new JsonObject { ["field"] = "x", ["type"] = "quantitative", ["title"] = "x₁", ["scale"] = new JsonObject { ["zero"] = false } },
                    ["y"] = new JsonObject { ["field"] = "y", ["type"] = "quantitative", ["title"] = "x₂", ["scale"] = new JsonObject { ["zero"] = false } },
                },
            },
            ["config"] = Config(),
        };
    }

    private static JsonObject Layer(JsonObject mark, JsonObject encoding, string? filter = null)
    {
        var layer = new JsonObject { ["mark"] = mark };
        if (filter is not null)
        {
            layer["transform"] = new JsonArray(new JsonObject { ["filter"] = filter });
        }
        layer["encoding"] = encoding;
        return layer;
    }

    /// <summary>Generation on the x axis, 0 to the last, whole numbers only.</summary>
    private static JsonObject GenerationX(int lastGeneration) => new()
    {
        ["field"] = "g", ["type"] = "quantitative", ["title"] = "generation",
        ["scale"] = new JsonObject { ["domain"] = new JsonArray(0, Math.Max(1, lastGeneration)), ["nice"] = false },
        ["axis"] = GenerationAxis(),
    };

    private static JsonObject Chart(string title, JsonArray subtitle, JsonArray values, JsonArray layers, int height = 230)
    {
        var (columns, keys) = Columnar(values);
        return new JsonObject
        {
            ["width"] = "container",
            ["height"] = height,
            ["autosize"] = new JsonObject { ["type"] = "fit-x", ["contains"] = "padding" },
            ["title"] = new JsonObject { ["text"] = title, ["subtitle"] = subtitle, ["anchor"] = "start", ["subtitleColor"] = "#555", ["fontSize"] = 14 },
            ["data"] = new JsonObject { ["values"] = new JsonArray(columns) },
            ["transform"] = new JsonArray(new JsonObject { ["flatten"] = keys }),
            ["layer"] = layers,
            ["config"] = Config(),
        };
    }

    /// <summary>
    /// Rows as one object of equal-length columns (a missing field is null), expanded back into rows by Vega-Lite's
    /// flatten transform: field names are written once instead of once per row, which halves a report's size.
    /// </summary>
    private static (JsonObject Columns, JsonArray Keys) Columnar(JsonArray rows)
    {
        var keys = rows.OfType<JsonObject>().SelectMany(r => r.Select(kv => kv.Key)).Distinct().ToList();
        var columns = new JsonObject();
        foreach (var key in keys)
        {
            columns[key] = new JsonArray(rows.OfType<JsonObject>().Select(r => r[key]?.DeepClone()).ToArray());
        }
        return (columns, new JsonArray(keys.Select(k => (JsonNode?)k).ToArray()));
    }

    private static JsonObject Config() => new()
    {
        ["font"] = Font,
        ["legend"] = new JsonObject { ["orient"] = "bottom", ["labelLimit"] = 260 },
        ["axis"] = new JsonObject { ["labelFontSize"] = 11, ["titleFontSize"] = 12 },
        ["view"] = new JsonObject { ["stroke"] = "#ddd" },
    };

    /// <summary>
    /// The hover text of a metric chart as a Vega expression, so the note on values pinned to an axis edge appears
    /// only where there is one (a tooltip field list would print "null" everywhere else).
    /// </summary>
    private static string MetricTooltip(bool useMedian, bool hasTheory, int replicates)
    {
        var parts = new List<string> { "'arm': datum.arm", "'generation': datum.g" };
        if (!useMedian)
        {
            parts.Add("'mean': format(datum.mean, '.4~g')");
        }
        parts.Add("'median': format(datum.med, '.4~g')");
        parts.Add("'95% of replicates': format(datum.lo, '.4~g') + ' … ' + format(datum.hi, '.4~g')");
        parts.Add($"'finite values': datum.nf + ' of {replicates}'");
        if (hasTheory)
        {
            parts.Add("'theory': isValid(datum.th) ? format(datum.th, '.4~g') : '–'");
        }
        var common = string.Join(", ", parts);
        return $"isValid(datum.note) ? {{{common}, 'note': datum.note}} : {{{common}}}";
    }

    /// <summary>Generations are whole numbers: no ticks at 0.5.</summary>
    private static JsonObject GenerationAxis() => new() { ["tickMinStep"] = 1, ["format"] = "d" };

    /// <summary>Log axes spanning many decades label powers of ten as 1e−6 rather than 0.000001.</summary>
    private static JsonObject YAxis(AxisScale scale) =>
        scale.Log && scale.Ceiling / scale.Floor > 1e4 ? new JsonObject { ["format"] = "~e" } : new JsonObject();

    private static JsonObject ArmColour(IReadOnlyList<string> armDomain) => new()
    {
        ["field"] = "arm",
        ["type"] = "nominal",
        ["title"] = "arm",
        // Long labels (run-id prefixes in a comparison) wrap into columns instead of running off the chart.
        ["legend"] = new JsonObject
        {
            ["symbolType"] = "stroke", ["symbolStrokeWidth"] = 3, ["symbolOpacity"] = 1,
            ["columns"] = armDomain.Max(a => a.Length) > 24 ? 2 : Math.Min(armDomain.Count, 5),
        },
        ["scale"] = new JsonObject
        {
            ["domain"] = new JsonArray(armDomain.Select(a => (JsonNode?)a).ToArray()),
            ["range"] = new JsonArray(armDomain.Select((_, i) => (JsonNode?)ArmColours[i % ArmColours.Length]).ToArray()),
        },
    };

    private static JsonObject GenerationColour(List<string> generations) => new()
    {
        ["field"] = "gen",
        ["type"] = "ordinal",
        ["title"] = "generation",
        ["sort"] = new JsonArray(generations.Select(g => (JsonNode?)g).ToArray()),
        ["scale"] = new JsonObject { ["scheme"] = "viridis", ["domain"] = new JsonArray(generations.Select(g => (JsonNode?)g).ToArray()) },
    };

    /// <summary>Real data in green; synthetic origins from light (oldest) to dark orange-red (newest).</summary>
    private static List<string> OriginColours(int groups)
    {
        var colours = new List<string> { "#2e8540" };
        var (from, to) = ((253, 208, 162), (166, 54, 3));
        for (var i = 1; i < groups; i++)
        {
            var t = groups <= 2 ? 0.6 : (i - 1) / (double)(groups - 2);
            colours.Add($"#{Lerp(from.Item1, to.Item1, t):x2}{Lerp(from.Item2, to.Item2, t):x2}{Lerp(from.Item3, to.Item3, t):x2}");
        }
        return colours;
    }

    private static int Lerp(int a, int b, double t) => (int)Math.Round(a + (b - a) * t);

    private static JsonObject Field(string field, string type, string title) => new() { ["field"] = field, ["type"] = type, ["title"] = title };


    /// <summary>Six significant digits: enough to read, a third of the bytes of round-trip form.</summary>
    public static JsonNode? Num(double? value) =>
        value is { } v && double.IsFinite(v) ? JsonValue.Create(double.Parse(v.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)) : null;

    private static string Short(double value) => Numbers.Short(value);

    private static JsonArray Wrap(string text, int width)
    {
        var lines = new JsonArray();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length > width)
            {
                lines.Add(current);
                current = word;
            }
            else
            {
                current = current.Length == 0 ? word : $"{current} {word}";
            }
        }
        if (current.Length > 0)
        {
            lines.Add(current);
        }
        return lines;
    }
}
