using System.Globalization;

namespace CollapseLab.Specs;

/// <summary>
/// Typed, validating access to one mapping of a spec. Every getter names the key it accepts; <see cref="Done"/>
/// then rejects any other key with a "did you mean". Every value read (given or defaulted) is recorded in
/// <see cref="Resolved"/>, which is how the fully resolved spec saved with a run is produced.
/// </summary>
public sealed class SpecReader
{
    private readonly SpecMap _map;
    private readonly HashSet<string> _known = [];

    private SpecReader(SpecMap map, string path)
    {
        _map = map;
        Path = path;
    }

    /// <summary>Dotted path of this mapping inside the spec, e.g. "arms[1].policy"; "" at the top.</summary>
    public string Path { get; }

    public SourceLocation Where => _map.Where;

    public OrderedDictionary<string, object> Resolved { get; } = [];

    public bool Has(string key) => _map.Find(key) is not null;

    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public SpecException Error(string key, string message)
    {
        var entry = _map.Find(key);
        return new SpecException(entry?.Value.Where ?? _map.Where, KeyPath(key), message);
    }

    public int Int(string key, int? fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var value = (int)Long(key, fallback, min, max);
        return value;
    }

    /// <summary>An integer that may be absent: absent stays null (and out of the resolved spec).</summary>
    public int? OptionalInt(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        _known.Add(key);
        return Has(key) ? Int(key, null, min, max) : null;
    }

    public long Long(string key, long? fallback, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = Scalar(key, fallback?.ToString(CultureInfo.InvariantCulture), "a whole number");
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(key, $"expected a whole number, got '{text}'.");
        }
        CheckRange(key, value, min, max);
        Resolved[key] = value;
        return value;
    }

    public ulong ULong(string key, ulong fallback)
    {
        var text = Scalar(key, fallback.ToString(CultureInfo.InvariantCulture), "a whole number");
        if (!ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(key, $"expected a non-negative whole number, got '{text}'.");
        }
        Resolved[key] = value;
        return value;
    }

    public double Double(string key, double? fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity,
        bool exclusiveMin = false)
    {
        var text = Scalar(key, fallback?.ToString("R", CultureInfo.InvariantCulture), "a number");
        var value = ParseDouble(key, text);
        if (value < min || value > max || (exclusiveMin && value <= min))
        {
            var lower = exclusiveMin ? $"greater than {Format(min)}" : $"at least {Format(min)}";
            var range = double.IsPositiveInfinity(max) ? lower : $"{lower} and at most {Format(max)}";
            throw Error(key, $"must be {range}, got {text}.");
        }
        Resolved[key] = value;
        return value;
    }

    /// <summary>A fraction in [0, 1].</summary>
    public double Fraction(string key, double? fallback) => Double(key, fallback, 0, 1);

    public bool Bool(string key, bool fallback)
    {
        var text = Scalar(key, fallback ? "true" : "false", "true or false");
        var value = text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(key, $"expected true or false, got '{text}'."),
        };
        Resolved[key] = value;
        return value;
    }

    public string String(string key, string? fallback)
    {
        var value = Scalar(key, fallback, "a text value");
        Resolved[key] = value;
        return value;
    }

    public string? OptionalString(string key)
    {
        _known.Add(key);
        return Has(key) ? String(key, null) : null;
    }

    /// <summary>One of a fixed set of names; a near miss gets a suggestion.</summary>
    public string Choice(string key, string? fallback, IReadOnlyCollection<string> choices)
    {
        var value = Scalar(key, fallback, $"one of {string.Join(", ", choices)}");
        if (!choices.Contains(value))
        {
            throw Error(key, $"unknown value '{value}'; choose one of: {string.Join(", ", choices)}.{Suggestions.DidYouMean(value, choices)}");
        }
        Resolved[key] = value;
        return value;
    }

    public double[]? Doubles(string key)
    {
        _known.Add(key);
        var entry = _map.Find(key);
        if (entry is null)
        {
            return null;
        }
        if (entry.Value is SpecScalar single)
        {
            var one = new[] { ParseDouble(key, single.Value) };
            Resolved[key] = one.ToList();
            return one;
        }
        if (entry.Value is not SpecList list)
        {
            throw Error(key, "expected a list of numbers, e.g. [0, 1.5].");
        }
        var values = list.Items.Select(item => item is SpecScalar s
            ? ParseDouble(key, s.Value)
            : throw new SpecException(item.Where, KeyPath(key), "expected a number in this list.")).ToArray();
        Resolved[key] = values.ToList();
        return values;
    }

    /// <summary>A list of lists of numbers (a matrix); every row must have the same length.</summary>
    public double[][]? Matrix(string key)
    {
        _known.Add(key);
        var entry = _map.Find(key);
        if (entry is null)
        {
            return null;
        }
        if (entry.Value is not SpecList rows || rows.Items.Any(r => r is not SpecList))
        {
            throw Error(key, "expected a matrix as a list of rows, e.g. [[1, 0], [0, 1]].");
        }
        var matrix = rows.Items.Cast<SpecList>().Select(r => r.Items.Select(item => item is SpecScalar s
            ? ParseDouble(key, s.Value)
            : throw new SpecException(item.Where, KeyPath(key), "expected a number in this matrix.")).ToArray()).ToArray();
        if (matrix.Any(r => r.Length != matrix[0].Length))
        {
            throw Error(key, "rows of this matrix have different lengths; every row needs the same number of entries.");
        }
        Resolved[key] = matrix.Select(r => r.ToList()).ToList();
        return matrix;
    }

    public IReadOnlyList<string>? Strings(string key)
    {
        _known.Add(key);
        var entry = _map.Find(key);
        if (entry is null)
        {
            return null;
        }
        var items = entry.Value switch
        {
            SpecScalar s => [s.Value],
            SpecList list => list.Items.Select(item => item is SpecScalar s
                ? s.Value
                : throw new SpecException(item.Where, KeyPath(key), "expected a name in this list.")).ToList(),
            _ => throw Error(key, "expected a list of names, e.g. [a, b]."),
        };
        Resolved[key] = items.ToList();
        return items;
    }

    /// <summary>A nested mapping; an absent key reads as an empty one so defaults apply.</summary>
    private SpecReader Map(string key)
    {
        _known.Add(key);
        var entry = _map.Find(key);
        if (entry is not null && entry.Value is not SpecMap)
        {
            throw Error(key, "expected a mapping of keys here (indented 'key: value' lines or { key: value }).");
        }
        var child = new SpecReader((SpecMap?)entry?.Value ?? new SpecMap([], _map.Where), KeyPath(key));
        return child;
    }

    /// <summary>
    /// Reads the nested mapping under <paramref name="key"/> with <paramref name="read"/>, then rejects any key
    /// <paramref name="read"/> did not ask for and records what it resolved. A section read this way cannot drop a
    /// key silently: there is no closing call to forget.
    /// </summary>
    public T Section<T>(string key, Func<SpecReader, T> read)
    {
        var child = Map(key);
        var value = read(child);
        child.Done();
        Resolved[key] = child.Resolved;
        return value;
    }

    /// <summary>Reads a whole spec tree as one section: unknown keys are rejected once <paramref name="read"/> returns.</summary>
    public static T Read<T>(SpecMap map, string path, Func<SpecReader, T> read)
    {
        var reader = new SpecReader(map, path);
        var value = read(reader);
        reader.Done();
        return value;
    }

    /// <summary>The key's node as written (null when absent), for values a getter cannot read; the key counts as read.</summary>
    public SpecNode? Node(string key)
    {
        _known.Add(key);
        return _map.Find(key)?.Value;
    }

    /// <summary>Rejects keys that no getter asked for.</summary>
    private void Done()
    {
        foreach (var entry in _map.Entries)
        {
            if (!_known.Contains(entry.Key))
            {
                var where = Path.Length == 0 ? "at the top level" : $"in '{Path}'";
                throw new SpecException(entry.KeyWhere, KeyPath(entry.Key),
                    $"unknown key {where}.{Suggestions.DidYouMean(entry.Key, _known)} Known keys here: {string.Join(", ", _known.Order())}.");
            }
        }
    }

    private string Scalar(string key, string? fallback, string expected)
    {
        _known.Add(key);
        var entry = _map.Find(key);
        if (entry is null)
        {
            return fallback ?? throw new SpecException(_map.Where, KeyPath(key),
                $"required key is missing. Add '{key}: …' ({expected}){(Path.Length == 0 ? "" : $" under '{Path}'")}.");
        }
        if (entry.Value is not SpecScalar scalar)
        {
            throw new SpecException(entry.Value.Where, KeyPath(key), $"expected {expected}, got a {(entry.Value is SpecList ? "list" : "mapping")}.");
        }
        if (scalar.Value.Length == 0 || scalar.Value is "~" or "null")
        {
            return fallback ?? throw new SpecException(scalar.Where, KeyPath(key), $"is empty; give {expected}.");
        }
        return scalar.Value;
    }

    private double ParseDouble(string key, string text)
    {
        var normalized = text.Trim().ToLowerInvariant() switch
        {
            ".inf" or "inf" or "+inf" => "Infinity",
            "-.inf" or "-inf" => "-Infinity",
            var t => t,
        };
        if (!double.TryParse(normalized, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
        {
            throw Error(key, $"expected a number, got '{text}'.");
        }
        return value;
    }

    private void CheckRange(string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            var range = max == long.MaxValue || max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            throw Error(key, $"must be {range}, got {value}.");
        }
    }

    private static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
