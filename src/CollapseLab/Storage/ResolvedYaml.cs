using System.Globalization;
using YamlDotNet.Serialization;

namespace CollapseLab.Storage;

/// <summary>Writes a resolved spec (nested dictionaries, lists and scalars) as YAML with invariant numbers.</summary>
public static class ResolvedYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithIndentedSequences()
        .Build();

    public static string Write(object resolved) => Serializer.Serialize(Normalize(resolved));

    /// <summary>
    /// The same YAML with every mapping's keys in ordinal order: equal for equal specs whatever order their sections
    /// were read in (a spec resolved again from its own resolved YAML lists them in the file's order).
    /// </summary>
    public static string Canonical(object resolved) => Serializer.Serialize(Sorted(Normalize(resolved)));

    private static object Sorted(object value) => value switch
    {
        IDictionary<string, object> map => new SortedDictionary<string, object>(map.ToDictionary(kv => kv.Key, kv => Sorted(kv.Value)), StringComparer.Ordinal),
        List<object> list => list.Select(Sorted).ToList(),
        _ => value,
    };

    private static object Normalize(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IDictionary<string, object> map => map.ToDictionary(kv => kv.Key, kv => Normalize(kv.Value)),
        System.Collections.IEnumerable list and not string => list.Cast<object>().Select(Normalize).ToList(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value,
    };
}
